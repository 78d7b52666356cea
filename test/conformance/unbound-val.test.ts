/**
 * Every Unbound val_* replay scenario (test/data/conformance/unbound-val)
 * against the real validator, one test per file that is not in the skip
 * table; plus a test that the skip table agrees with INDEX.tsv.
 * `npm run conformance` prints the same results as one line per file.
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DIFFERENCES, SKIPS } from './skip-table.js';
import { baseCategory, loadScenario, readIndex, runScenario, scenarioDir } from './scenario.js';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dir = scenarioDir(packageRoot);
const present = existsSync(join(dir, 'INDEX.tsv'));
const files = present ? readdirSync(dir).filter((f) => /^val_.*\.c?rpl$/.test(f)).sort() : [];
const SKIPPABLE = new Set(['cache', 'prefetch', 'iterator', 'policy', 'gost']);

describe('Unbound val_* scenarios', () => {
  it('has the scenario folder test/data/conformance/unbound-val', () => {
    expect(present, `the scenario folder ${dir} (with INDEX.tsv) is absent: it is test/data/conformance/unbound-val`).toBe(true);
    expect(files.length).toBe(162);
  });

  it('skips only files INDEX.tsv puts in a skippable category, with that category', () => {
    const index = new Map(readIndex(dir).map((r) => [r.file, baseCategory(r.category)]));
    expect([...index.keys()].sort()).toEqual(files);
    for (const [file, skip] of Object.entries(SKIPS)) {
      const cat = index.get(file);
      expect(cat, `${file} is in the skip table but not in INDEX.tsv`).toBeDefined();
      expect(SKIPPABLE.has(cat!), `${file} is skipped but INDEX.tsv says ${cat}`).toBe(true);
      expect(skip.category, `${file}: skip category differs from INDEX.tsv`).toBe(cat);
      expect(skip.reason.length).toBeGreaterThan(20);
    }
    for (const file of Object.keys(DIFFERENCES)) {
      expect(index.has(file), `${file} is in the differences table but not in INDEX.tsv`).toBe(true);
      expect(SKIPS[file], `${file} is both skipped and a deliberate difference`).toBeUndefined();
    }
  });

  const run = files.filter((f) => !SKIPS[f]);
  it.each(run)('%s', async (file) => {
    const out = await runScenario(loadScenario(dir, file));
    expect(out.verdict, `${file}: ${out.summary}\n${out.log.join('\n')}`).toBe('pass');
  });
});
