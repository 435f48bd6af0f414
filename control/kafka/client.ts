// The Kafka client of the lake: a kafkajs instance from the configuration, quiet unless LAKE_DEBUG
// is set, and connections that fail fast with an error saying which brokers and what to do.
import { Kafka, type LogEntry, type RetryOptions, logLevel } from 'kafkajs';
import type { LakeConfig } from '../config.js';
import { LakeError } from '../errors.js';

/** A connection attempt gives up after this long, whatever kafkajs's retries would do. */
const connectDeadlineMs = 10_000;

const levelNames: Partial<Record<logLevel, string>> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/**
 * kafkajs logs every retry and benign conditions (an existing topic, a coordinator still loading)
 * as errors; what matters reaches the caller as a rejected promise anyway. So its log is shown,
 * on stderr, only with LAKE_DEBUG=1.
 */
function debugLog() {
  return ({ namespace, level, log }: LogEntry) => {
    const { message, timestamp: _timestamp, logger: _logger, ...extra } = log;
    const details = Object.keys(extra).length > 0 ? ` ${JSON.stringify(extra)}` : '';
    process.stderr.write(`kafkajs ${levelNames[level] ?? level} [${namespace}] ${message}${details}\n`);
  };
}

/**
 * `retry`: how long connections (and metadata requests) are retried. The default, a few quick
 * retries, reports an absent broker in seconds. A client's own requests retry inside these: once
 * they run out, kafkajs gives up at once, whatever the producer's own retries would allow.
 */
export function createKafka(config: Pick<LakeConfig, 'kafkaBrokers'>, clientId = 'lake', retry: RetryOptions = { retries: 3, initialRetryTime: 300, maxRetryTime: 3_000 }): Kafka {
  return new Kafka({
    clientId,
    brokers: config.kafkaBrokers,
    connectionTimeout: 3_000,
    retry,
    logLevel: process.env.LAKE_DEBUG ? logLevel.INFO : logLevel.NOTHING,
    logCreator: debugLog,
  });
}

/** The innermost message of a kafkajs error (they wrap one another as `cause`). */
function rootMessage(error: unknown): string {
  let current = error;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  return current instanceof Error ? current.message : String(error);
}

function unreachable(brokers: readonly string[], cause: unknown): LakeError {
  return new LakeError(`cannot reach Kafka at ${brokers.join(',')} (${rootMessage(cause)})`, 'is the stack up? run `npm run lake -- stack up`', {
    cause,
  });
}

/**
 * Connects a kafkajs admin, producer or consumer, or throws a LakeError within `deadlineMs`: a
 * refused connection fails after kafkajs's few retries, a silent host when the deadline passes.
 */
export async function connectOrExplain(
  client: { connect(): Promise<void>; disconnect(): Promise<void> },
  brokers: readonly string[],
  deadlineMs = connectDeadlineMs,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${deadlineMs / 1000} s`)), deadlineMs);
  });
  try {
    await Promise.race([client.connect(), deadline]);
  } catch (error) {
    // Stops kafkajs's retries in the background, so the process can exit.
    await client.disconnect().catch(() => undefined);
    throw unreachable(brokers, error);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Why no broker answers, within a few seconds and without retries (a LakeError's message naming
 * the brokers), or undefined when one does.
 */
export async function kafkaUnreachable(config: Pick<LakeConfig, 'kafkaBrokers'>, deadlineMs = 3_000): Promise<string | undefined> {
  const admin = createKafka(config, 'lake-probe', { retries: 0 }).admin();
  try {
    await connectOrExplain(admin, config.kafkaBrokers, deadlineMs);
    await admin.disconnect();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
