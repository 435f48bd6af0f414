import { describe, expect, it } from 'vitest';
import { allEnded, sideBySide } from './side-by-side.js';

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

describe('allEnded', () => {
  it('gives the results of different steps in their order, each with its own type', async () => {
    const [text, count] = await allEnded([later(10, 'a'), later(1, 2)]);
    expect(text.toUpperCase()).toBe('A');
    expect(count + 1).toBe(3);
  });

  it('waits for every step before it throws the first failure in step order', async () => {
    const ended: string[] = [];
    const step = async (name: string, ms: number, fails: boolean) => {
      await later(ms, undefined);
      ended.push(name);
      if (fails) throw new Error(name);
      return name;
    };
    await expect(allEnded([step('slow', 30, false), step('fails-late', 10, true), step('fails-early', 0, true)])).rejects.toThrow('fails-late');
    expect(ended.sort()).toEqual(['fails-early', 'fails-late', 'slow']);
  });
});
