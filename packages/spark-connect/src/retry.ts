// Retries of calls that failed for a reason that passes: the channel dropped (UNAVAILABLE), the
// server lost the stream's cursor, or the server asked for a retry. Anything else is final.
import { status as GrpcStatus } from '@grpc/grpc-js';
import { isServiceError } from './errors.js';
import { decodeStatusDetails } from './status-details.js';

export interface RetryPolicy {
  /** Retries after the first attempt; 0 disables retrying. */
  maxRetries: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
  multiplier: number;
}

// About 9 s of waiting in all: long enough to ride out a server restart's blip or a flaky
// network, short enough that a server that is really gone is reported promptly.
export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: 5, initialBackoffMs: 100, maxBackoffMs: 5_000, multiplier: 3 };

/** Whether a failed call may succeed if tried again. */
export function isTransient(error: unknown): boolean {
  if (!isServiceError(error)) return false;
  if (error.code === GrpcStatus.UNAVAILABLE) return true;
  if (error.code === GrpcStatus.INTERNAL && error.details.includes('INVALID_CURSOR.DISCONNECTED')) return true;
  return serverRetryDelay(error) !== undefined;
}

/** Wait before retry number `attempt` (0-based): exponential, with jitter, or what the server asked. */
export function backoffMs(policy: RetryPolicy, attempt: number, error?: unknown): number {
  const asked = error === undefined ? undefined : serverRetryDelay(error);
  if (asked !== undefined) return asked;
  const base = Math.min(policy.maxBackoffMs, policy.initialBackoffMs * policy.multiplier ** attempt);
  return base / 2 + Math.random() * (base / 2);
}

export async function withRetry<T>(call: () => Promise<T>, policy: RetryPolicy, signal?: AbortSignal): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= policy.maxRetries || !isTransient(error) || signal?.aborted) throw error;
      await sleep(backoffMs(policy, attempt, error), signal);
    }
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}

function serverRetryDelay(error: unknown): number | undefined {
  if (!isServiceError(error)) return undefined;
  const [raw] = error.metadata?.get('grpc-status-details-bin') ?? [];
  if (!raw || typeof raw === 'string') return undefined;
  try {
    return decodeStatusDetails(raw).retryDelayMs;
  } catch {
    return undefined;
  }
}
