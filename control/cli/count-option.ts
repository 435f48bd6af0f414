// A count given on the command line (`-n 5`, `--keep 3`): a whole number from 1, checked where
// commander parses it, so a typo is a usage error rather than a SQL error on the cluster.
import { InvalidArgumentError } from 'commander';

export function countOption(value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1) throw new InvalidArgumentError('Expected a whole number from 1.');
  return Number(value);
}
