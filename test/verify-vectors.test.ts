/**
 * The test vectors of docs/FORMAT.md still match the code: docs/vectors/format-vectors.json is
 * regenerated and compared, and its export verifies through the real CLI with its keys pinned.
 * Run with PARLEY_WRITE_VECTORS=1 to rewrite the file after a deliberate format change.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { describe, expect, it } from 'vitest';
import { formatVectors } from '../src/workflows/audit/format-vectors.js';
import { PROJECT_ROOT, runCli, tempDir } from './support/node-process.js';

const FILE = join(PROJECT_ROOT, 'docs/vectors/format-vectors.json');

describe('format test vectors', () => {
  it('match what the code produces', async () => {
    const generated = JSON.parse(JSON.stringify(formatVectors())) as unknown;
    if (process.env.PARLEY_WRITE_VECTORS === '1') {
      // Written as the formatter would, so `prettier --check .` stays quiet.
      const options = { ...(await resolveConfig(FILE)), parser: 'json' };
      writeFileSync(FILE, await format(JSON.stringify(generated), options));
    }
    expect(JSON.parse(readFileSync(FILE, 'utf8'))).toEqual(generated);
  });

  it('give an export that verifies with its keys pinned', () => {
    const vectors = JSON.parse(readFileSync(FILE, 'utf8')) as {
      keys: Record<string, { party?: string; fingerprint?: string }>;
      export: unknown[];
    };
    const file = join(tempDir(), 'vectors.jsonl');
    writeFileSync(file, vectors.export.map((l) => `${JSON.stringify(l)}\n`).join(''));
    const pins = ['node', 'witness'].flatMap((k) => [
      '--pin',
      `${vectors.keys[k]!.party}=${vectors.keys[k]!.fingerprint}`,
    ]);
    const result = runCli(['verify', '--file', file, '--json', '--require-pins', ...pins]);
    const report = JSON.parse(result.stdout) as { ok: boolean; failures: unknown[]; warnings: unknown[] };
    expect(report.failures).toEqual([]);
    expect(report.warnings).toEqual([]);
    expect(result.status).toBe(0);
  });
});
