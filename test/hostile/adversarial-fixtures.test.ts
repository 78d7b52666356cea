/**
 * fixtures/adversarial (validly signed hostile shapes, built by
 * test/adversarial/build.ts from test/adversarial/scenarios.ts) replay through
 * the fixture reader to the verdict each carries, with the reason its scenario
 * names (e.g. the work budget, RFC 9276 §3.2 EDE 27); none is ever secure
 * with a reason, and a bogus one hands out no records.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createValidator } from '../../src/validator/validator.js';
import { FixtureSource, fixtureAnchors, readFixture } from '../../src/fixtures/fixture.js';
import { SCENARIOS } from '../adversarial/scenarios.js';

const DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'adversarial');
const files = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();

describe('adversarial fixtures replay to their expected verdicts', () => {
  it('every scenario has its fixture and every fixture its scenario', () => {
    expect(files.map((f) => f.replace(/\.json$/, '')).sort()).toEqual(SCENARIOS.map((s) => s.name).sort());
  });

  for (const s of SCENARIOS) {
    it(`${s.name}: ${s.expected}${s.reason ? ` (${s.reason.source})` : ''}`, async () => {
      const path = join(DIR, `${s.name}.json`);
      const f = readFixture(path);
      expect(f.expected?.status).toBe(s.expected);
      const v = createValidator({ source: new FixtureSource(f, path), trustAnchors: fixtureAnchors(f), clock: () => f.time, prefetch: false });
      const res = await v.validate(f.question!.name, f.question!.type);
      expect(res.status, JSON.stringify(res.reasons)).toBe(s.expected);
      if (s.reason) expect(res.reasons.some((r) => s.reason!.test(r.text)), JSON.stringify(res.reasons)).toBe(true);
      if (res.status === 'secure') expect(res.reasons).toEqual([]);
      if (res.status === 'bogus') expect(res.records).toEqual([]);
    });
  }
});
