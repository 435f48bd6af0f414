// A terminal progress bar for Spark operations, fed by the client's progress events (ExecuteOptions.onProgress). It stays hidden
// for operations that finish within a second (most interactive queries) and when the stream is not
// a terminal (pipes, CI logs), so output that scripts read is never cluttered.
import { Presets, SingleBar } from 'cli-progress';
import type { Progress, ProgressListener } from '@lake/spark-connect';

export interface ProgressBar {
  /** Pass as `onProgress` to an execution. */
  onProgress: ProgressListener;
  /** Removes the bar; call when the operation ends, however it ends. */
  stop(): void;
}

export interface ProgressBarOptions {
  stream?: NodeJS.WriteStream;
  /** How long an operation runs before the bar appears (default 1 s). */
  delayMs?: number;
}

export function createProgressBar(options: ProgressBarOptions = {}): ProgressBar {
  const stream = options.stream ?? process.stderr;
  if (!stream.isTTY) return { onProgress: () => {}, stop: () => {} };

  const started = Date.now();
  let latest: Progress | undefined;
  let bar: SingleBar | undefined;
  let stopped = false;
  let due = false;
  // The elapsed time counts from the start of the operation, not from when the bar appeared, and
  // ticks even while Spark reports nothing new.
  const clock = setInterval(() => bar?.update({ elapsed: formatSeconds(Date.now() - started) }), 1_000);
  clock.unref();
  const show = () => {
    due = true;
    if (stopped || bar || !latest) return;
    bar = new SingleBar(
      {
        stream,
        format: ' {bar} {percentage}% | tasks {value}/{total} | stages {stagesDone}/{stages} | {bytes} read | {elapsed}',
        hideCursor: true,
        clearOnComplete: true,
        barsize: 30,
      },
      Presets.shades_classic,
    );
    bar.start(latest.totalTasks, latest.completedTasks, { ...payload(latest), elapsed: formatSeconds(Date.now() - started) });
  };
  const timer = setTimeout(show, options.delayMs ?? 1_000);
  timer.unref();

  return {
    onProgress(progress) {
      latest = progress;
      if (!bar) return due ? show() : undefined;
      bar.setTotal(progress.totalTasks);
      bar.update(progress.completedTasks, payload(progress));
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
      clearInterval(clock);
      bar?.stop();
    },
  };
}

function payload(progress: Progress) {
  return { stagesDone: progress.stagesDone, stages: progress.stages.length, bytes: formatBytes(progress.inputBytesRead) };
}

function formatSeconds(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  return seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}
