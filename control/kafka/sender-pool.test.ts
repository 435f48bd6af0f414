import { describe, expect, it } from 'vitest';
import { PartitionOwners } from './sender-pool.js';

const groups = (sizes: Record<number, number>) => new Map(Object.entries(sizes).map(([partition, size]) => [Number(partition), { length: size }]));

describe('partition owners', () => {
  it('gives each partition to the thread with the fewest records so far, biggest groups first', () => {
    const owners = new PartitionOwners(2);
    // The shares of the dozen campaigns in three partitions (28/48/24): 48 alone, 28 + 24 together.
    expect(owners.assign(groups({ 0: 28, 1: 48, 2: 24 }))).toEqual(new Map([[0, 1], [1, 0], [2, 1]]));
  });

  it('keeps a partition with its thread for good, and places a new one by the load so far', () => {
    const owners = new PartitionOwners(3);
    const first = owners.assign(groups({ 0: 10, 1: 5 }));
    expect(first).toEqual(new Map([[0, 0], [1, 1]]));
    // Partition 1 grows far past partition 0: it stays with its thread all the same.
    expect(owners.assign(groups({ 0: 1, 1: 100 }))).toEqual(new Map([[0, 0], [1, 1]]));
    // A new partition goes to the idle third thread, the next one to the least loaded (thread 0: 11).
    expect(owners.assign(groups({ 2: 50 }))).toEqual(new Map([[2, 2]]));
    expect(owners.assign(groups({ 3: 1 }))).toEqual(new Map([[3, 0]]));
  });

  it('with one thread, sends everything through it', () => {
    const owners = new PartitionOwners(1);
    expect([...owners.assign(groups({ 0: 3, 1: 9, 5: 1 })).values()]).toEqual([0, 0, 0]);
  });
});
