// Run ids sort by start time: `20261128T070812Z-3fa9c1` (UTC second, then random hex).
import { randomBytes } from 'node:crypto';

export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

export const runIdPattern = /^\d{8}T\d{6}Z-[0-9a-f]{6}$/;
