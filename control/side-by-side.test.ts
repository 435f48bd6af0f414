import { describe, expect, it } from 'vitest';
import { sideBySide } from './side-by-side.js';

const later = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

describe('sideBySide', () => {
  it('runs every item at once and keeps the order of the items', async () => {
    const started: number[] = [];
    const results = await sideBySide([3, 1, 2], async (n) => {
      started.push(n);
      return later(n * 5, n * 10);
    });
    expect(started).toEqual([3, 1, 2]);
    expect(results).toEqual([30, 10, 20]);
  });

  it('waits for the others to end before it throws the first failure in item order', async () => {
    const ended: string[] = [];
    const run = sideBySide(['slow', 'fails-late', 'fails-early'], async (item) => {
      if (item === 'slow') await later(30, undefined);
      if (item === 'fails-late') await later(10, undefined);
      ended.push(item);
      if (item.startsWith('fails')) throw new Error(item);
      return item;
    });
    await expect(run).rejects.toThrow('fails-late');
    expect(ended.sort()).toEqual(['fails-early', 'fails-late', 'slow']);
  });
});
