import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
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
  it("start this machine's Java, flags of newer Javas included", async () => {
    const { java } = await findJava({ PATH: process.env.PATH, JAVA_HOME: process.env.JAVA_HOME });
    const { stderr } = await promisify(execFile)(java, [...sparkModuleOptions, '-version']);
    expect(stderr).toMatch(/version "/);
  });
});
