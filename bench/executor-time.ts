// Where the executors' time goes, statement by statement: the Spark UI's REST API of the Connect
// server's application gives each SQL statement's jobs, each job's stages, and each stage's tasks'
// run time. Summed per statement, that is the work the statement cost the executors, which its
// wall time does not tell when statements run side by side on two cores (they wait for each
// other). The UI keeps the last 200 statements (spark.sql.ui.retainedExecutions): a layer that
// runs more is reported from its last 200.
const sparkUi = process.env.SPARK_UI ?? 'http://127.0.0.1:4040';

export interface StatementWork {
  id: number;
  /** The tasks' run time of its jobs, summed. */
  executorMs: number;
  wallMs: number;
  /** The line of its plan that says what it writes or reads. */
  what: string;
}

interface Execution {
  id: number;
  duration: number;
  planDescription?: string;
  successJobIds?: number[];
  failedJobIds?: number[];
}

async function api<T>(path: string): Promise<T> {
  const response = await fetch(`${sparkUi}/api/v1/applications${path}`);
  if (!response.ok) throw new Error(`Spark UI ${sparkUi}: ${response.status} for ${path}`);
  return (await response.json()) as T;
}

async function applicationPath(): Promise<string> {
  const [app] = await api<{ id: string }[]>('');
  if (!app) throw new Error(`Spark UI ${sparkUi}: no application`);
  return `/${app.id}`;
}

/** The id of the newest SQL statement so far (-1 before the first). */
export async function newestStatement(): Promise<number> {
  const executions = await api<Execution[]>(`${await applicationPath()}/sql?details=false&offset=0&length=100000`);
  return Math.max(-1, ...executions.map((execution) => execution.id));
}

/** The id of the newest Spark job so far (-1 before the first). */
export async function newestJob(): Promise<number> {
  const jobs = await api<{ jobId: number }[]>(`${await applicationPath()}/jobs`);
  return Math.max(-1, ...jobs.map((job) => job.jobId));
}

/** The statements after `after` (an id of newestStatement), each with its executors' time. */
export async function statementsAfter(after: number): Promise<StatementWork[]> {
  const app = await applicationPath();
  const [executions, jobs, stages] = await Promise.all([
    api<Execution[]>(`${app}/sql?details=true&planDescription=true&offset=0&length=100000`),
    api<{ jobId: number; stageIds: number[] }[]>(`${app}/jobs`),
    api<{ stageId: number; attemptId: number; executorRunTime: number }[]>(`${app}/stages`),
  ]);
  const stagesOfJob = new Map(jobs.map((job) => [job.jobId, job.stageIds]));
  const runTime = new Map<number, number>();
  for (const stage of stages) runTime.set(stage.stageId, (runTime.get(stage.stageId) ?? 0) + stage.executorRunTime);
  // A stage that a later job reuses (its shuffle output) is listed by both jobs: counted once, for
  // the first statement that ran it.
  const counted = new Set<number>();
  return executions
    .sort((a, b) => a.id - b.id)
    .map((execution) => {
      const own = [...(execution.successJobIds ?? []), ...(execution.failedJobIds ?? [])].flatMap((job) => stagesOfJob.get(job) ?? []).filter((stage) => !counted.has(stage));
      own.forEach((stage) => counted.add(stage));
      return {
        id: execution.id,
        wallMs: execution.duration,
        executorMs: [...new Set(own)].reduce((sum, stage) => sum + (runTime.get(stage) ?? 0), 0),
        what: whatItDoes(execution.planDescription ?? ''),
      };
    })
    .filter((statement) => statement.id > after);
}

/** The line of a plan that names what the statement writes, else what it scans, without the lake's root. */
function whatItDoes(plan: string): string {
  const lines = plan.split('\n').map((line) => line.replace(/^[\s:+\-*()\d]*/, ''));
  const line =
    lines.find((text) => /^(Execute InsertIntoHadoopFsRelationCommand|AppendDataExecV1|OverwriteByExpressionExecV1|Execute CreateViewCommand)/.test(text)) ??
    lines.find((text) => text.startsWith('FileScan') || text.startsWith('Scan ')) ??
    lines.find((text) => text !== '' && !text.startsWith('==') && !text.startsWith('AdaptiveSparkPlan')) ??
    '';
  return line.replace(/hdfs:\/\/[^/\s]+\/[^/\s]+\//g, '').slice(0, 140);
}
