import { describe, expect, it } from 'vitest';
import { tableCommit } from './history.js';
import { parseLakeTable } from './lake-tables.js';

const commit = (version: number, operation: string, metrics: Record<string, string>, userMetadata?: string) => ({
  version,
  timestamp: new Date('2026-12-01T08:30:00.250Z'),
  operation,
  metrics: new Map(Object.entries(metrics)),
  userMetadata,
  blindAppend: false,
});

describe('a commit as lake history shows it', () => {
  const transactions = parseLakeTable('silver_transactions');

  it('names the table by its view, the run by its id, and the counts Delta recorded', () => {
    expect(tableCommit(transactions, commit(4, 'WRITE', { numOutputRows: '120', numCopiedRows: '20', numRemovedFiles: '2', numDeletedRows: '7' }, '20261201T083000Z-abcdef'), 4)).toEqual({
      table: 'silver_transactions',
      version: 4,
      time: '2026-12-01T08:30:00.250Z',
      operation: 'WRITE',
      rowsWritten: 120,
      rowsCopied: 20,
      rowsDeleted: 7,
      filesRemoved: 2,
      runId: '20261201T083000Z-abcdef',
      published: true,
    });
  });

  it('leaves out the counts an operation does not have, and marks only the published version', () => {
    expect(tableCommit(transactions, commit(5, 'VACUUM END', { numDeletedFiles: '3' }), 4)).toEqual({
      table: 'silver_transactions',
      version: 5,
      time: '2026-12-01T08:30:00.250Z',
      operation: 'VACUUM END',
      rowsWritten: undefined,
      rowsCopied: undefined,
      rowsDeleted: undefined,
      filesRemoved: undefined,
      runId: undefined,
      published: false,
    });
    expect(tableCommit(transactions, commit(1, 'WRITE', { numOutputRows: '0', numCopiedRows: '0', numRemovedFiles: '0' }), undefined)).toMatchObject({
      rowsWritten: 0,
      rowsCopied: undefined,
      filesRemoved: undefined,
      published: false,
    });
  });
});
