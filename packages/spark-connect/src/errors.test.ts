import { create } from '@bufbuild/protobuf';
import { BinaryWriter } from '@bufbuild/protobuf/wire';
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { FetchErrorDetailsResponseSchema } from './gen/spark/connect/base_pb.js';
import { SparkAuthError, SparkConnectError, SparkError, SparkUnreachableError, errorInfoOf, toSparkConnectError } from './errors.js';
import { isTransient } from './retry.js';

/** A google.rpc.Status carrying an ErrorInfo, as Spark puts it in grpc-status-details-bin. */
function statusDetails(metadata: Record<string, string>, extra?: { retryDelaySeconds?: number }): Uint8Array {
  const errorInfo = new BinaryWriter().uint32(10).string('org.apache.spark.sql.AnalysisException').uint32(18).string('org.apache.spark');
  for (const [key, value] of Object.entries(metadata)) {
    errorInfo.uint32(26).bytes(new BinaryWriter().uint32(10).string(key).uint32(18).string(value).finish());
  }
  const any = (typeUrl: string, value: Uint8Array) => new BinaryWriter().uint32(10).string(typeUrl).uint32(18).bytes(value).finish();
  const statusMessage = new BinaryWriter()
    .uint32(8)
    .int32(13)
    .uint32(18)
    .string('boom')
    .uint32(26)
    .bytes(any('type.googleapis.com/google.rpc.ErrorInfo', errorInfo.finish()));
  if (extra?.retryDelaySeconds !== undefined) {
    const duration = new BinaryWriter().uint32(8).int64(extra.retryDelaySeconds).finish();
    statusMessage.uint32(26).bytes(any('type.googleapis.com/google.rpc.RetryInfo', new BinaryWriter().uint32(10).bytes(duration).finish()));
  }
  return statusMessage.finish();
}

function serviceError(code: status, details: string, statusBin?: Uint8Array): ServiceError {
  const metadata = new Metadata();
  if (statusBin) metadata.set('grpc-status-details-bin', Buffer.from(statusBin));
  return Object.assign(new Error(`${code} ${details}`), { code, details, metadata });
}

const context = { remote: 'sc://127.0.0.1:15002', hasToken: false };

const TABLE_NOT_FOUND =
  '[TABLE_OR_VIEW_NOT_FOUND] The table or view `x` cannot be found. Verify the spelling. SQLSTATE: 42P01; line 1 pos 14;\n' +
  "'Project [*]\n+- 'UnresolvedRelation [x], [], false\n";

describe('toSparkConnectError', () => {
  it('reads the ErrorInfo Spark attaches to a failure', () => {
    const error = serviceError(
      status.INTERNAL,
      TABLE_NOT_FOUND,
      statusDetails({
        errorClass: 'TABLE_OR_VIEW_NOT_FOUND',
        sqlState: '42P01',
        messageParameters: JSON.stringify({ relationName: '`x`' }),
        classes: JSON.stringify(['org.apache.spark.sql.AnalysisException']),
        errorId: '9d3c',
      }),
    );
    expect(errorInfoOf(error)?.metadata.errorId).toBe('9d3c');

    const mapped = toSparkConnectError(error, context);
    expect(mapped).toBeInstanceOf(SparkError);
    expect(mapped).toBeInstanceOf(SparkConnectError);
    expect(mapped).toMatchObject({
      message: 'table or view not found: `x`',
      errorClass: 'TABLE_OR_VIEW_NOT_FOUND',
      sqlState: '42P01',
      messageParameters: { relationName: '`x`' },
      exceptionClass: 'org.apache.spark.sql.AnalysisException',
      grpcCode: status.INTERNAL,
      serverMessage: TABLE_NOT_FOUND,
    });
    expect((mapped as SparkError).hint).toMatch(/SHOW VIEWS/);
  });

  it('names the table a write was for when HDFS has no DataNode to take a Delta commit', () => {
    const message =
      'File /lake/bronze/ad_events/_delta_log/.00000000000000000000.json.0fe4.tmp could only be written to 0 of the 1 minReplication nodes. ' +
      'There are 1 datanode(s) running and 1 node(s) are excluded in this operation.';
    const mapped = toSparkConnectError(serviceError(status.INTERNAL, message, statusDetails({ classes: JSON.stringify(['org.apache.hadoop.ipc.RemoteException']) })), context);
    expect(mapped).toMatchObject({ message: 'Spark could not write /lake/bronze/ad_events', serverMessage: message });
    expect((mapped as SparkError).hint).toMatch(/file system refused the write/);
  });

  it('prefers the full details of FetchErrorDetails, root error first', () => {
    const error = serviceError(status.INTERNAL, 'truncated', statusDetails({ errorClass: 'UNRESOLVED_COLUMN.WITH_SUGGESTION', errorId: 'e1' }));
    const details = create(FetchErrorDetailsResponseSchema, {
      rootErrorIdx: 0,
      errors: [
        {
          errorTypeHierarchy: ['org.apache.spark.sql.AnalysisException', 'java.lang.Exception'],
          message: '[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column `amout` cannot be resolved.',
          stackTrace: [{ declaringClass: 'org.apache.spark.Foo', methodName: 'bar', fileName: 'Foo.scala', lineNumber: 7 }],
          causeIdx: 1,
          sparkThrowable: {
            errorClass: 'UNRESOLVED_COLUMN.WITH_SUGGESTION',
            sqlState: '42703',
            messageParameters: { objectName: '`amout`', proposal: '`amount`, `id`' },
            queryContexts: [{ fragment: 'amout' }],
          },
        },
        { errorTypeHierarchy: ['java.lang.RuntimeException'], message: 'inner', stackTrace: [] },
      ],
    });
    const mapped = toSparkConnectError(error, context, details) as SparkError;
    expect(mapped.message).toBe('column not found: `amout`');
    expect(mapped.hint).toBe('did you mean one of `amount`, `id`?');
    expect(mapped.sqlState).toBe('42703');
    expect(mapped.fragment).toBe('amout');
    expect(mapped.serverStackTrace).toContain('at org.apache.spark.Foo.bar(Foo.scala:7)');
    expect(mapped.serverStackTrace).toContain('Caused by: java.lang.RuntimeException: inner');
    expect(mapped.stack).not.toContain('org.apache.spark.Foo');
  });

  it("keeps Spark's first line, without decorations, for error classes it does not know", () => {
    const error = serviceError(
      status.INTERNAL,
      '[DIVIDE_BY_ZERO] Division by zero. Use `try_divide` to tolerate divisor being 0. SQLSTATE: 22012\n== SQL ==',
      statusDetails({ errorClass: 'DIVIDE_BY_ZERO', sqlState: '22012' }),
    );
    expect(toSparkConnectError(error, context)).toMatchObject({
      message: 'Division by zero. Use `try_divide` to tolerate divisor being 0.',
      errorClass: 'DIVIDE_BY_ZERO',
    });
  });

  it('shows the SQL under a syntax error', () => {
    const error = serviceError(
      status.INTERNAL,
      "[PARSE_SYNTAX_ERROR] Syntax error at or near 'SELEC'. SQLSTATE: 42601 (line 1, pos 0)\n\n== SQL ==\nSELEC 1\n^^^\n",
      statusDetails({ errorClass: 'PARSE_SYNTAX_ERROR', messageParameters: JSON.stringify({ error: "'SELEC'", hint: '' }) }),
    );
    const mapped = toSparkConnectError(error, context) as SparkError;
    expect(mapped.message).toBe("SQL syntax error at or near 'SELEC'");
    expect(mapped.hint).toBe('here:\n    SELEC 1\n    ^^^');
  });

  it('makes an unreachable server and a refused token distinct errors', () => {
    expect(toSparkConnectError(serviceError(status.UNAVAILABLE, 'connect ECONNREFUSED'), context)).toBeInstanceOf(SparkUnreachableError);
    const unreachable = toSparkConnectError(serviceError(status.UNAVAILABLE, 'x'), context);
    expect(unreachable.message).toContain('cannot reach Spark Connect at sc://127.0.0.1:15002');
    expect(unreachable.hint).toBe('check that a Spark Connect server runs at sc://127.0.0.1:15002 and that this machine can reach it');

    const refused = toSparkConnectError(serviceError(status.UNAUTHENTICATED, 'Invalid authentication token'), { ...context, hasToken: true });
    expect(refused).toBeInstanceOf(SparkAuthError);
    expect(refused.message).toBe('Spark Connect at sc://127.0.0.1:15002 refused the token (Invalid authentication token)');
    expect(refused.hint).toContain('in the connection string: sc://host:15002/;token=<token>');
    const missing = toSparkConnectError(serviceError(status.UNAUTHENTICATED, 'No authentication token provided'), context);
    expect(missing.message).toBe('Spark Connect at sc://127.0.0.1:15002 refused a client without a token (No authentication token provided)');
    expect(missing.hint).toBe(refused.hint);
    expect(toSparkConnectError(serviceError(status.PERMISSION_DENIED, 'denied'), context)).toBeInstanceOf(SparkAuthError);
  });

  it('works without any details', () => {
    expect(toSparkConnectError(serviceError(status.INTERNAL, 'something broke'), context)).toMatchObject({ message: 'something broke', errorClass: undefined });
  });
});

describe('isTransient', () => {
  it('retries dropped channels, lost cursors and what the server asks to retry; nothing else', () => {
    expect(isTransient(serviceError(status.UNAVAILABLE, 'x'))).toBe(true);
    expect(isTransient(serviceError(status.INTERNAL, 'INVALID_CURSOR.DISCONNECTED'))).toBe(true);
    expect(isTransient(serviceError(status.INTERNAL, 'x', statusDetails({}, { retryDelaySeconds: 1 })))).toBe(true);
    expect(isTransient(serviceError(status.INTERNAL, TABLE_NOT_FOUND, statusDetails({ errorClass: 'TABLE_OR_VIEW_NOT_FOUND' })))).toBe(false);
    expect(isTransient(new Error('plain'))).toBe(false);
  });
});
