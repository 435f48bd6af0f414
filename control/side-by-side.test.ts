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

describe('sideBySide, a few at a time', () => {
  it('never has more than `atOnce` items under way, and keeps the order of the items', async () => {
    let underWay = 0;
    let most = 0;
    const items = Array.from({ length: 20 }, (_, i) => i);
    const results = await sideBySide(
      items,
      async (n) => {
        most = Math.max(most, ++underWay);
        await later((n % 3) * 3, undefined);
        underWay -= 1;
        return n * 2;
      },
      { atOnce: 4 },
    );
    expect(most).toBe(4);
    expect(results).toEqual(items.map((n) => n * 2));
  });

  it('starts no new item after a failure, waits for those under way, and throws the first failure', async () => {
    const started: number[] = [];
    const ended: number[] = [];
    const run = sideBySide(
      Array.from({ length: 10 }, (_, i) => i),
      async (n) => {
        started.push(n);
        await later(n === 1 ? 1 : 10, undefined);
        ended.push(n);
        if (n === 1) throw new Error('item 1');
        return n;
      },
      { atOnce: 2 },
    );
    await expect(run).rejects.toThrow('item 1');
    // Item 1 failed while item 0 was under way: its lane started item 2 no more.
    expect(started).toEqual([0, 1]);
    expect(ended.sort()).toEqual([0, 1]);
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
