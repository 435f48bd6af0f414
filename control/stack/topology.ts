// The shape of the embedded stack: one node (the default), or a cluster of N nodes on this one
// machine (`lake stack up --nodes N`): N DataNodes, N Kafka brokers and N − 1 Spark Workers, each
// with ports, data, pid file and log of its own. Node i's ports are node 1's plus 100 × (i − 1),
// so node 1 keeps the well-known ports every client defaults to.
//
// The shape is remembered in `<home>/stack.json` (so that `stack status`, the jobs and the producer
// know which brokers there are), and each shape keeps its data apart: HDFS and Kafka are formatted
// for a number of nodes, so a cluster's data never mixes with the single node's.
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { LakeError } from '../errors.js';

/** The most nodes `stack up --nodes` starts on one machine (three are what the tests and benchmarks measure). */
export const maxNodes = 5;

/** The ports of node `node` (1-based): node 1's plus 100 for each node before it. */
export function nodePort(base: number, node: number): number {
  return base + 100 * (node - 1);
}

/** Node numbers 1…n. */
export function nodeNumbers(nodes: number): number[] {
  return Array.from({ length: nodes }, (_, index) => index + 1);
}

/** Copies of each HDFS block: one per DataNode, at most three. */
export function hdfsReplication(nodes: number): number {
  return Math.min(3, nodes);
}

/** Kafka nodes that are also KRaft controllers (the quorum): at most three. */
export function kraftControllers(nodes: number): number {
  return Math.min(3, nodes);
}

/** Spark Workers: one on a single node; on a cluster one a node but the first (the Master's), at least two. */
export function sparkWorkers(nodes: number): number {
  return nodes === 1 ? 1 : Math.max(2, nodes - 1);
}

export const kafkaPort = 9092;
export const kafkaControllerPort = 9093;

/** Every broker of a stack of `nodes` nodes, as clients list them. */
export function kafkaBrokers(nodes: number): string[] {
  return nodeNumbers(nodes).map((node) => `127.0.0.1:${nodePort(kafkaPort, node)}`);
}

/** A node count `stack up --nodes` accepts, or an error saying which ones it does. */
export function parseNodes(text: string): number {
  const nodes = Number(text);
  if (Number.isInteger(nodes) && (nodes === 1 || (nodes >= 3 && nodes <= maxNodes))) return nodes;
  throw new LakeError(
    `--nodes ${text}: a stack has 1 node, or from 3 to ${maxNodes}`,
    'a cluster needs three nodes to keep every block and every event when one of them is lost (two replicas and a quorum of two); use --nodes 1 or --nodes 3',
  );
}

function shapeFile(home: string): string {
  return path.join(home, 'stack.json');
}

/** The node count `stack up --nodes` recorded last in this runtime folder; 1 when none did. */
export function recordedNodes(home: string): number {
  const file = shapeFile(home);
  if (!existsSync(file)) return 1;
  try {
    return parseNodes(String((JSON.parse(readFileSync(file, 'utf8')) as { nodes?: unknown }).nodes));
  } catch (error) {
    throw new LakeError(`${file} does not name a valid stack shape`, 'run `npm run lake -- stack up --nodes <1|3>` to choose one again', { cause: error });
  }
}

export async function recordNodes(home: string, nodes: number): Promise<void> {
  await mkdir(home, { recursive: true });
  await writeFile(shapeFile(home), `${JSON.stringify({ nodes }, null, 2)}\n`);
}

/** Where a shape keeps its data, pid files and logs: the runtime folder itself for one node. */
export function shapeRoot(home: string, nodes: number): string {
  return nodes === 1 ? home : path.join(home, `cluster-${nodes}`);
}
