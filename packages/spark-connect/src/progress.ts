// Progress of a running operation, from the ExecutionProgress messages the server interleaves with
// results (every spark.connect.progress.reportInterval, 2 s by default). Each message lists the
// stages it knows about; the tracker keeps the latest word on every stage seen so far.
import type { ExecutePlanResponse_ExecutionProgress } from './gen/spark/connect/base_pb.js';

export interface StageProgress {
  stageId: number;
  numTasks: number;
  completedTasks: number;
  inputBytesRead: number;
  done: boolean;
}

export interface Progress {
  stages: readonly StageProgress[];
  stagesDone: number;
  totalTasks: number;
  completedTasks: number;
  /** Tasks running right now, over all stages. */
  inflightTasks: number;
  inputBytesRead: number;
}

export type ProgressListener = (progress: Progress) => void;

export class ProgressTracker {
  private readonly stages = new Map<number, StageProgress>();

  update(message: ExecutePlanResponse_ExecutionProgress): Progress {
    for (const stage of message.stages) {
      const stageId = Number(stage.stageId);
      this.stages.set(stageId, {
        stageId,
        numTasks: Number(stage.numTasks),
        completedTasks: Number(stage.numCompletedTasks),
        inputBytesRead: Number(stage.inputBytesRead),
        done: stage.done,
      });
    }
    const stages = [...this.stages.values()].sort((a, b) => a.stageId - b.stageId);
    return {
      stages,
      stagesDone: stages.filter((stage) => stage.done).length,
      totalTasks: sum(stages, (stage) => stage.numTasks),
      completedTasks: sum(stages, (stage) => stage.completedTasks),
      inflightTasks: Number(message.numInflightTasks),
      inputBytesRead: sum(stages, (stage) => stage.inputBytesRead),
    };
  }
}

function sum(stages: StageProgress[], value: (stage: StageProgress) => number): number {
  return stages.reduce((total, stage) => total + value(stage), 0);
}
