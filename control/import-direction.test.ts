// The Spark Connect client (packages/spark-connect) is a library of its own: ESLint's
// no-restricted-imports keeps it from importing the lake, and keeps the lake on its public entry.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './config.js';

const eslint = new ESLint({ cwd: repoRoot });

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((message) => message.ruleId === 'no-restricted-imports').map((message) => message.message);
}

describe('import direction (eslint.config.js)', () => {
  it('refuses any import of the lake from the Spark Connect client', async () => {
    const code = [
      "import { LakeError } from '../../../control/errors.js';",
      "import { loadConfig } from '../../../../control/config.js';",
      "import { SingleBar } from 'cli-progress';",
      "import { Executor } from './executor.js';",
      'export { LakeError, loadConfig, SingleBar, Executor };',
    ].join('\n');
    const messages = await restrictedImports('packages/spark-connect/src/plan/probe.ts', code);
    expect(messages.some((message) => message.includes("'../../../control/errors.js'"))).toBe(true);
    expect(messages.some((message) => message.includes("'../../../../control/config.js'"))).toBe(true);
    expect(messages.some((message) => message.includes("'cli-progress'"))).toBe(true);
    expect(messages.some((message) => message.includes('./executor.js'))).toBe(false);
  });

  it('has the lake import the client by its package name only', async () => {
    const code = [
      "import { SparkSession } from '../packages/spark-connect/src/session.js';",
      "import { DataFrame } from '@lake/spark-connect';",
      'export { SparkSession, DataFrame };',
    ].join('\n');
    const messages = await restrictedImports('jobs/probe.ts', code);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain("import the Spark Connect client as '@lake/spark-connect'");
  });
});
