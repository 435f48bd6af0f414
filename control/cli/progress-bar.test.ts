import { describe, expect, it } from 'vitest';
import { createProgressBar, formatBytes } from './progress-bar.js';

describe('createProgressBar', () => {
  it('writes nothing when the stream is not a terminal', () => {
    let written = '';
    const stream = { isTTY: false, write: (chunk: string) => ((written += chunk), true) } as unknown as NodeJS.WriteStream;
    const bar = createProgressBar({ stream, delayMs: 0 });
    bar.onProgress({ stages: [], stagesDone: 0, totalTasks: 4, completedTasks: 1, inflightTasks: 1, inputBytesRead: 0 });
    bar.stop();
    expect(written).toBe('');
  });
});

describe('formatBytes', () => {
  it('uses binary units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(5 * 1024 ** 3)).toBe('5.0 GiB');
  });
});
