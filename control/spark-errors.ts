// The lake's words for the errors of its Spark Connect client (@lake/spark-connect). The client's
// hints are generic ("check that a server runs at …"); where the lake knows better (its stack, its
// SPARK_REMOTE, its views, its HDFS) the lake's hint replaces them. The errors are recognised by
// name, not instanceof, so that this module (loaded with control/errors.ts by the CLI before setup
// has generated the client's protocol code) never loads the client.
import type { SparkConnectError, SparkError, SparkUnreachableError } from '@lake/spark-connect';

export const STACK_UP_HINT = 'is the stack up? run `npm run lake -- stack up`, or point SPARK_REMOTE at a running Spark Connect server';

// Both refusals have the same fix: the server's token in SPARK_REMOTE.
const TOKEN_HINT =
  "put the server's token in SPARK_REMOTE: sc://host:15002/;token=<token> " +
  '(the embedded stack keeps it in .lake/secrets/spark-connect-token and uses it when SPARK_REMOTE is unset)';

const REMOTE_HINT = 'expected sc://host:port/;token=...;user_id=... (set SPARK_REMOTE)';

const VIEWS_HINT = 'lake tables are registered as views named <layer>_<table> (e.g. silver_transactions); `SHOW VIEWS` lists them';

const WRITE_HINT = 'HDFS may be down or without a DataNode: check `npm run lake -- stack status`, then run the job again';

const CLIENT_ERRORS = new Set(['SparkConnectError', 'SparkError', 'SparkUnreachableError', 'SparkAuthError', 'SparkInterruptedError', 'InvalidRemoteError']);

/** Whether `error` is one of the Spark Connect client's errors (all of them say what to do next). */
export function isSparkClientError(error: unknown): error is SparkConnectError {
  return error instanceof Error && CLIENT_ERRORS.has(error.name);
}

/** The lake's hint for a client error, when it has one of its own; else undefined. */
export function lakeHintOf(error: SparkConnectError): string | undefined {
  switch (error.name) {
    // Unless the lake already said what failed because of it, with its own hint (runs/layer-run.ts).
    case 'SparkUnreachableError':
      return (error as SparkUnreachableError).during ? undefined : STACK_UP_HINT;
    case 'SparkAuthError':
      return TOKEN_HINT;
    case 'InvalidRemoteError':
      return REMOTE_HINT;
    case 'SparkError': {
      const { errorClass, serverMessage } = error as SparkError;
      if (errorClass?.split('.')[0] === 'TABLE_OR_VIEW_NOT_FOUND') return VIEWS_HINT;
      if (errorClass?.split('.')[0] === 'TASK_WRITE_FAILED' || /could only be written to 0 of the \d+ minReplication nodes/.test(serverMessage)) return WRITE_HINT;
      return undefined;
    }
  }
  return undefined;
}
