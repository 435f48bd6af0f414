import net from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { LakeError, describeError } from '../errors.js';
import { connectOrExplain, kafkaUnreachable } from './client.js';

describe('connecting to Kafka', () => {
  it('turns a refused connection into a LakeError naming the brokers and the fix', async () => {
    let disconnected = false;
    const refused = new Error('Connection error: connect ECONNREFUSED 127.0.0.1:1');
    const client = {
      connect: () => Promise.reject(new Error('Connection timeout', { cause: refused })),
      disconnect: async () => {
        disconnected = true;
      },
    };
    const error = await connectOrExplain(client, ['127.0.0.1:1']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LakeError);
    expect(describeError(error)).toBe(
      'cannot reach Kafka at 127.0.0.1:1 (Connection error: connect ECONNREFUSED 127.0.0.1:1)\n  → is the stack up? run `npm run lake -- stack up`',
    );
    expect(disconnected).toBe(true);
  });

  it('gives up at the deadline when the broker never answers', async () => {
    // On a fake clock: the deadline is what ends the wait, however loaded the machine is.
    vi.useFakeTimers();
    try {
      const client = { connect: () => new Promise<void>(() => undefined), disconnect: async () => undefined };
      let settled = false;
      const attempt = connectOrExplain(client, ['10.0.0.1:9092'], 200).catch((e: unknown) => e).finally(() => (settled = true));
      await vi.advanceTimersByTimeAsync(199);
      expect(settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(((await attempt) as Error).message).toBe('cannot reach Kafka at 10.0.0.1:9092 (no answer in 0.2 s)');
    } finally {
      vi.useRealTimers();
    }
  });

  it('says why no broker answers (the stream logs it while a landing waits)', async () => {
    // Nothing listens on a port the test has just freed.
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    expect(await kafkaUnreachable({ kafkaBrokers: [`127.0.0.1:${port}`] })).toMatch(new RegExp(`^cannot reach Kafka at 127\\.0\\.0\\.1:${port} \\(.*ECONNREFUSED`));
  });
});
