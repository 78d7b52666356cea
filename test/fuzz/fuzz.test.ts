/**
 * The fuzzer as part of the suite (issue 13 item 3): a short fixed-seed run
 * (test/fuzz/engine.ts) must end with no finding. Long runs: `npm run fuzz --
 * --seed S --seconds N` (README "Fuzzing").
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fuzz } from './engine.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SEED = 20261130;
const SECONDS = 15;

describe('fuzzing (fixed seed, short run)', () => {
  it(`seed ${SEED}, ${SECONDS} s: every target fed, no finding`, async () => {
    const stats = await fuzz({ root: ROOT, seed: SEED, seconds: SECONDS });
    expect(stats.findings.map((f) => `${f.target} ${f.op}: ${f.problem}`)).toEqual([]);
    expect(stats.messages).toBeGreaterThan(100);
    expect(stats.validations).toBeGreaterThan(10);
    expect(stats.presentation + stats.anchors + stats.fixtures).toBeGreaterThan(30);
    expect(stats.unhandledRejections).toBe(0);
  }, 120_000);
});
