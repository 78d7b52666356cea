/**
 * The tests have one seeded PRNG (test/support/prng.ts): robustness,
 * fuzzing, the front-door fuzz and the fault proxy all draw from it, so a
 * seed means the same sequence everywhere. A second generator (its step
 * constants, or a class of its own) anywhere in test/ or bench/ fails here.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const HOME = 'test/support/prng.ts';

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    if (e === 'node_modules' || e === 'run') continue;
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** The Weyl-sequence steps of mulberry32 and SplitMix32, and a generator class by its usual names. */
const GENERATOR = /0x6d2b79f5|0x9e3779b9|class\s+\w*(Rng|Prng|Random)\b/i;

describe('one PRNG in the tests', () => {
  it(`only ${HOME} holds a seeded generator`, () => {
    const files = [...tsFiles(join(ROOT, 'test')), ...tsFiles(join(ROOT, 'bench'))].map((f) => relative(ROOT, f));
    const holders = files.filter((f) => f !== 'test/one-prng.test.ts' && GENERATOR.test(readFileSync(join(ROOT, f), 'utf8')));
    expect(holders).toEqual([HOME]);
  });
});
