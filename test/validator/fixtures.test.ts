/**
 * Hand-written fixtures (fixtures/handwritten/*.json, format v1 with "text"
 * exchanges in dig-like sections, built from RFC 4035 Appendix A/B data)
 * replayed through FixtureSource at the fixture's time, from the fixture's
 * trust anchors. Each must give the status its "expected" field states.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createValidator } from '../../src/validator/validator.js';
import { assertCovered } from '../support/covered.js';
import { UpstreamError } from '../../src/validator/result.js';
import { FixtureSource, fixtureAnchors, readFixture } from '../../src/fixtures/fixture.js';

const DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'handwritten');
const FILES = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();

function replay(file: string, timeShift = 0) {
  const fixture = readFixture(join(DIR, file));
  const source = new FixtureSource(fixture, file);
  const validator = createValidator({ source, trustAnchors: fixtureAnchors(fixture, file), clock: () => fixture.time + timeShift, prefetch: false });
  return { fixture, validator };
}

describe('hand-written fixtures (fixtures/handwritten)', () => {
  it('there are fixtures, and every one names its question and expected status', () => {
    expect(FILES.length).toBeGreaterThanOrEqual(3);
    for (const f of FILES) {
      const fx = readFixture(join(DIR, f));
      expect(fx.question, f).toBeDefined();
      expect(fx.expected?.status, f).toMatch(/^(secure|insecure|bogus)$/);
      expect(fx.exchanges.every((x) => typeof x.text === 'string'), f).toBe(true);
    }
  });

  it('the set covers all three verdicts', () => {
    const statuses = new Set(FILES.map((f) => readFixture(join(DIR, f)).expected?.status));
    expect([...statuses].sort()).toEqual(['bogus', 'insecure', 'secure']);
  });

  it.each(FILES)('%s gives its expected status', async (file) => {
    const { fixture, validator } = replay(file);
    const res = await validator.validate(fixture.question!.name, fixture.question!.type);
    assertCovered(res);
    expect(res.status, JSON.stringify(res.reasons)).toBe(fixture.expected!.status);
    if (res.status === 'bogus') {
      expect(res.records).toEqual([]);
      expect(res.reasons[0]?.zone).toBeDefined();
    }
    if (res.status === 'insecure') expect(res.reasons.length).toBeGreaterThan(0);
  });

  it.each(FILES.filter((f) => readFixture(join(DIR, f)).expected?.status === 'secure'))('%s a year later: bogus, signature expired', async (file) => {
    const { fixture, validator } = replay(file, 365 * 86400);
    const res = await validator.validate(fixture.question!.name, fixture.question!.type);
    expect(res.status).toBe('bogus');
    expect(res.reasons[0]?.ede).toBe(7);
  });

  it('a question the fixture holds no response for rejects with UpstreamError (no verdict invented)', async () => {
    const { validator } = replay(FILES[0]!);
    await expect(validator.validate('not-in-the-fixture.example.', 'TXT')).rejects.toBeInstanceOf(UpstreamError);
  });
});
