import { describe, expect, it } from 'vitest';
import { LakeError } from '../errors.js';
import { findJava, sparkModuleOptions } from './java.js';

describe('findJava', () => {
  it('finds the Java of this machine and reads its major version', async () => {
    const java = await findJava({ PATH: process.env.PATH });
    expect(java.major).toBeGreaterThanOrEqual(17);
  });

  it('says what to install when JAVA_HOME points at no Java', async () => {
    const attempt = findJava({ JAVA_HOME: '/nonexistent/jdk' });
    await expect(attempt).rejects.toBeInstanceOf(LakeError);
    await expect(attempt).rejects.toMatchObject({
      message: 'Java not found (tried /nonexistent/jdk/bin/java)',
      hint: expect.stringContaining('JDK 17'),
    });
  });
});

describe('sparkModuleOptions', () => {
  it('allows Unsafe memory access only on a Java that knows the flag (23 and later)', () => {
    expect(sparkModuleOptions(17)).not.toContain('--sun-misc-unsafe-memory-access=allow');
    expect(sparkModuleOptions(21)).not.toContain('--sun-misc-unsafe-memory-access=allow');
    expect(sparkModuleOptions(25)).toContain('--sun-misc-unsafe-memory-access=allow');
    expect(sparkModuleOptions(25)).toEqual(expect.arrayContaining(sparkModuleOptions(17)));
  });
});
