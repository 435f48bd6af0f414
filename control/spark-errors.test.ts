import { status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { InvalidRemoteError, SparkAuthError, SparkError, SparkInterruptedError, SparkUnreachableError, parseRemote } from '@lake/spark-connect';
import { LakeError, describeError, hintOf, isUserError } from './errors.js';

const sparkError = (errorClass: string | undefined, serverMessage: string) =>
  new SparkError({ message: 'Spark said no', grpcCode: status.INTERNAL, errorClass, serverMessage });

describe("the lake's hints for the Spark client's errors", () => {
  it('sends an unreachable server to the stack, unless the lake already said what failed because of it', () => {
    const unreachable = new SparkUnreachableError('sc://127.0.0.1:15002', 'connection refused');
    expect(hintOf(unreachable)).toContain('npm run lake -- stack up');
    expect(describeError(unreachable)).toBe(
      'cannot reach Spark Connect at sc://127.0.0.1:15002 (connection refused)\n  → is the stack up? run `npm run lake -- stack up`, or point SPARK_REMOTE at a running Spark Connect server',
    );
    const during = new SparkUnreachableError('sc://127.0.0.1:15002', undefined, { during: 'silver run r1 failed', hint: 'run `npm run job:silver` again' });
    expect(hintOf(during)).toBe('run `npm run job:silver` again');
  });

  it('points a refused client at SPARK_REMOTE and the embedded stack token', () => {
    const refused = new SparkAuthError('sc://127.0.0.1:15002', true, 'Invalid authentication token');
    expect(hintOf(refused)).toContain('SPARK_REMOTE: sc://host:15002/;token=<token>');
    expect(hintOf(refused)).toContain('.lake/secrets/spark-connect-token');
  });

  it('names SPARK_REMOTE for a malformed address', () => {
    const invalid = (() => {
      try {
        parseRemote('http://nope');
      } catch (error) {
        return error;
      }
    })();
    expect(invalid).toBeInstanceOf(InvalidRemoteError);
    expect(hintOf(invalid)).toBe('expected sc://host:port/;token=...;user_id=... (set SPARK_REMOTE)');
  });

  it("names the lake's views for a table not found, and the stack's status for a write HDFS refused", () => {
    expect(hintOf(sparkError('TABLE_OR_VIEW_NOT_FOUND', 'x'))).toMatch(/<layer>_<table>/);
    expect(hintOf(sparkError('TASK_WRITE_FAILED', 'x'))).toMatch(/stack status/);
    expect(hintOf(sparkError(undefined, 'File /lake/bronze/x/_delta_log/.0.json.tmp could only be written to 0 of the 1 minReplication nodes.'))).toMatch(/stack status/);
  });

  it("keeps the client's own hint where the lake has none, and counts every client error as a user's error", () => {
    const unresolved = new SparkError({ message: 'column not found: x', hint: 'did you mean one of `y`?', grpcCode: status.INTERNAL, errorClass: 'UNRESOLVED_COLUMN', serverMessage: 'x' });
    expect(hintOf(unresolved)).toBe('did you mean one of `y`?');
    expect(isUserError(unresolved)).toBe(true);
    expect(isUserError(new SparkInterruptedError())).toBe(true);
    expect(isUserError(new LakeError('x'))).toBe(true);
    expect(isUserError(new Error('a bug'))).toBe(false);
  });
});
