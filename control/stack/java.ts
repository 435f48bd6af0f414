// Finds the Java the stack runs on and checks it is recent enough for Spark 4 (Java 17+).
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { LakeError } from '../errors.js';

const run = promisify(execFile);

export interface JavaRuntime {
  java: string;
  home: string | undefined;
  major: number;
}

const INSTALL_HINT = 'install a JDK 17 or newer (e.g. `apt-get install openjdk-17-jdk-headless`) or set JAVA_HOME to one';

export async function findJava(env: NodeJS.ProcessEnv = process.env): Promise<JavaRuntime> {
  const home = env.JAVA_HOME?.trim() || undefined;
  const java = home ? path.join(home, 'bin', 'java') : 'java';
  let banner: string;
  try {
    // `java -version` prints to stderr.
    const { stderr } = await run(java, ['-version']);
    banner = stderr;
  } catch {
    throw new LakeError(`Java not found (tried ${java})`, INSTALL_HINT);
  }
  const match = /version "(\d+)(?:\.(\d+))?/.exec(banner);
  const first = Number(match?.[1] ?? 0);
  const major = first === 1 ? Number(match?.[2] ?? 0) : first;
  if (major < 17) {
    throw new LakeError(`Java ${major || 'of unknown version'} found at ${java}; Spark 4.2 needs Java 17 or newer`, INSTALL_HINT);
  }
  return { java, home, major };
}

/**
 * The JVM flags Spark's own launcher adds (org.apache.spark.launcher.JavaModuleOptions): Spark
 * reaches into JDK internals that Java 17 closes by default. Daemons started with plain `java`
 * need them too. `-XX:+IgnoreUnrecognizedVMOptions` comes first, so an older Java accepts the
 * flags of a newer one (`--sun-misc-unsafe-memory-access`: from Java 23 on, Netty leaves Unsafe's
 * memory access alone unless allowed, and Arrow's allocator, which every Spark Connect answer goes
 * through, then fails to start).
 */
export const sparkModuleOptions: readonly string[] = [
  '-XX:+IgnoreUnrecognizedVMOptions',
  '--add-modules=jdk.incubator.vector',
  ...[
    'java.base/java.lang',
    'java.base/java.lang.invoke',
    'java.base/java.lang.reflect',
    'java.base/java.io',
    'java.base/java.net',
    'java.base/java.nio',
    'java.base/java.util',
    'java.base/java.util.concurrent',
    'java.base/java.util.concurrent.atomic',
    'java.base/jdk.internal.ref',
    'java.base/sun.nio.ch',
    'java.base/sun.nio.cs',
    'java.base/sun.security.action',
    'java.base/sun.util.calendar',
    'java.security.jgss/sun.security.krb5',
  ].map((pkg) => `--add-opens=${pkg}=ALL-UNNAMED`),
  '-Dio.netty.tryReflectionSetAccessible=true',
  '-Dio.netty.allocator.type=pooled',
  '-Dio.netty.handler.ssl.defaultEndpointVerificationAlgorithm=NONE',
  '--sun-misc-unsafe-memory-access=allow',
  '--enable-native-access=ALL-UNNAMED',
];
