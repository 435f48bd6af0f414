// `hdfs fsck`: HDFS's own check of a folder's blocks, run with the stack's Hadoop jars and config.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadConfig } from '../../control/config.js';
import { findJava } from '../../control/stack/java.js';
import { stackLayout } from '../../control/stack/layout.js';

const run = promisify(execFile);

export interface FsckReport {
  healthy: boolean;
  missing: number;
  corrupt: number;
  underReplicated: number;
  /** The whole report, for a failing assertion's message. */
  text: string;
}

function count(text: string, label: string): number {
  const match = new RegExp(`${label}:\\s+(\\d+)`).exec(text);
  if (!match) throw new Error(`no "${label}" in the fsck report:\n${text}`);
  return Number(match[1]);
}

export async function fsck(hdfsFolder: string): Promise<FsckReport> {
  const layout = stackLayout(loadConfig());
  const java = await findJava();
  const { stdout } = await run(
    java.java,
    ['-Dlake.hdfs.replication=3', '-cp', [layout.infraConf('hadoop'), path.join(layout.jars('hadoop'), '*')].join(path.delimiter), 'org.apache.hadoop.hdfs.tools.DFSck', hdfsFolder],
    { maxBuffer: 64 * 1024 * 1024 },
  ).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
  return {
    healthy: /Status: HEALTHY/.test(stdout),
    missing: count(stdout, 'Missing blocks'),
    corrupt: count(stdout, 'Corrupt blocks'),
    underReplicated: count(stdout, 'Under-replicated blocks'),
    text: stdout,
  };
}
