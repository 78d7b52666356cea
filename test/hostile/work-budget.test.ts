/**
 * Bounded work per question (issue 13 item 2, issue 10 correction 4): one
 * work budget per question, in units that measure cost — NSEC3 hashes in
 * SHA-1 compressions (RFC 5155 §5: iterations + 1 SHA-1 calls over name or
 * digest and salt; CVE-2023-50868), signature verifications by algorithm and
 * key size (CVE-2023-50387), upstream queries — shared by the answer, the
 * denial proofs and the zone-cut proofs. Exhausting it is bogus with EDE 6
 * and a reason naming the budget.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readShared } from '../support/record-pool.js';
import { createValidator } from '../../src/validator/validator.js';
import { QuestionContext, QueryBudgetError } from '../../src/validator/context.js';
import { FixtureSource, fixtureAnchors, readFixture } from '../../src/fixtures/fixture.js';
import { WorkBudget, nsec3HashUnits, signatureUnits } from '../../src/dnssec/budget.js';
import {
  MAX_QUERIES_PER_QUESTION,
  MAX_SIGNATURE_VERIFICATIONS_PER_QUESTION,
  MAX_WORK_UNITS_PER_QUESTION,
  QUERY_UNITS,
} from '../../src/dnssec/limits.js';
import { proveNoDs, proveNxdomain, type DenialRecord } from '../../src/dnssec/denial.js';
import { parseZoneText } from '../../src/wire/presentation.js';
import { nameFromText, type Name } from '../../src/wire/name.js';
import { RRType } from '../../src/wire/rrtype.js';
import { nsec3Hash } from '../../src/crypto/index.js';
import { EDE } from '../../src/types.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const n = (t: string): Name => nameFromText(t);

function countingHash(): { hash: typeof nsec3Hash; count: () => number } {
  let c = 0;
  return {
    hash: (w, s, i) => {
      c++;
      return nsec3Hash(w, s, i);
    },
    count: () => c,
  };
}

function b1Nsec3s(): DenialRecord[] {
  return parseZoneText(readShared('vectors/rfc/rfc5155-B1-name-error.txt'))
    .filter((r) => r.type === RRType.NSEC3)
    .map((r) => ({ owner: r.name, rdata: r.rdata }));
}

async function replay(path: string) {
  const f = readFixture(path);
  const v = createValidator({ source: new FixtureSource(f, path), trustAnchors: fixtureAnchors(f), clock: () => f.time, prefetch: false });
  return { f, res: await v.validate(f.question!.name, f.question!.type) };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('work units price the cost, not the count', () => {
  it('RFC 5155 §5: an NSEC3 hash costs (iterations + 1) SHA-1 calls, each priced by its 64-octet blocks: 500 iterations with a 255-octet salt cost over 800× a salt-less hash without iterations', () => {
    const cheap = nsec3HashUnits(20, 0, 0);
    const dear = nsec3HashUnits(20, 255, 500);
    expect(dear / cheap).toBeGreaterThan(800);
    // The salt counts: the same iterations with a 255-octet salt cost more than with none.
    expect(nsec3HashUnits(20, 255, 150)).toBeGreaterThan(nsec3HashUnits(20, 0, 150) * 1.5);
    // Iterations count linearly.
    expect(nsec3HashUnits(20, 8, 300) - nsec3HashUnits(20, 8, 150)).toBe(nsec3HashUnits(20, 8, 150) - nsec3HashUnits(20, 8, 0));
  });

  it('signature verifications are priced by algorithm (P-384 dearer than P-256, dearer than RSA 2048) and RSA by modulus size', () => {
    expect(signatureUnits(14, 96)).toBeGreaterThan(signatureUnits(13, 64));
    expect(signatureUnits(13, 64)).toBeGreaterThan(signatureUnits(8, 260));
    expect(signatureUnits(8, 516)).toBeGreaterThanOrEqual(3.9 * signatureUnits(8, 260));
    // An algorithm without a price is charged the dearest.
    expect(signatureUnits(250, 64)).toBeGreaterThanOrEqual(signatureUnits(14, 96));
  });

  it(`the count cap stays: at most ${MAX_SIGNATURE_VERIFICATIONS_PER_QUESTION} verifications, then refused and named`, () => {
    const b = new WorkBudget();
    let taken = 0;
    while (b.takeSignature(8, 260)) taken++;
    expect(taken).toBe(MAX_SIGNATURE_VERIFICATIONS_PER_QUESTION);
    expect(b.exhausted).toBe(true);
    expect(b.describe()).toMatch(/64 signature verifications per question exhausted by signature verifications/);
    // Other work may go on while units are left.
    expect(b.takeQuery()).toBe(true);
  });

  it('a request that does not fit is refused without drawing anything, and the first refused kind is named', () => {
    const b = new WorkBudget(64, 1000);
    expect(b.takeNsec3Hash(20, 255, 500)).toBe(false);
    expect(b.used).toBe(0);
    expect(b.takeQuery()).toBe(true);
    expect(b.describe()).toMatch(/work budget of 1000 work units per question exhausted by NSEC3 hashing/);
  });
});

describe('one NSEC3 budget per question (issue 10 correction 4; Unbound MAX_NSEC3_CALCULATIONS is per query)', () => {
  it('a second proof (the fallback from "no DS" to "does not exist") does not start with a fresh budget', () => {
    const records = b1Nsec3s();
    const zone = n('example.');
    const perHash = nsec3HashUnits(20, 4, 12);
    // Room for exactly 3 hashes of these records (salt aabbccdd, 12 iterations).
    const budget = new WorkBudget(64, 3 * perHash + perHash - 1);
    const counter = countingHash();
    // The name-error proof needs 4 hashes (RFC 5155 Appendix B.1); it gets 3.
    const first = proveNxdomain(n('a.c.x.w.example.'), { zone, nsec: [], nsec3: records, budget }, counter.hash);
    expect(first.result).toBe('failed');
    const afterFirst = counter.count();
    expect(afterFirst).toBe(3);
    // The fallback proof asks for the same budget: nothing is left, no hash is computed.
    const second = proveNoDs(n('a.c.x.w.example.'), { zone, nsec: [], nsec3: records, budget }, counter.hash);
    expect(second).toMatchObject({ result: 'failed', ede: EDE.DNSSEC_BOGUS });
    expect(second.result === 'failed' && second.text).toMatch(/work budget .* exhausted by NSEC3 hashing/);
    expect(counter.count()).toBe(afterFirst);
  });

  it('guard: with room left the same proof is proven (the budget, not the records, failed it)', () => {
    const counter = countingHash();
    const o = proveNxdomain(n('a.c.x.w.example.'), { zone: n('example.'), nsec: [], nsec3: b1Nsec3s(), budget: new WorkBudget() }, counter.hash);
    expect(o.result).not.toBe('failed');
    expect(counter.count()).toBe(4);
  });
});

describe('queries draw on the same budget', () => {
  it(`a question whose units are spent asks nothing more: QueryBudgetError naming the budget (each query costs ${QUERY_UNITS} units)`, async () => {
    let asked = 0;
    const ctx = new QuestionContext({ query: async () => (asked++, Promise.reject(new Error('unused'))) }, 0, undefined);
    while (ctx.budget.takeNsec3Hash(20, 255, 500)) {
      // spend the units on hashing
    }
    while (ctx.budget.spend('nsec3', 1)) {
      // and the last few
    }
    await expect(ctx.ask(n('example.'), RRType.DS)).rejects.toBeInstanceOf(QueryBudgetError);
    await expect(ctx.ask(n('example.'), RRType.DS)).rejects.toThrow(/work budget/);
    expect(asked).toBe(0);
    expect(ctx.queries).toBeLessThanOrEqual(MAX_QUERIES_PER_QUESTION);
  });
});

describe('issue 13 item 3: the worst question found ends bogus by the budget, with the budget named', () => {
  const file = join(ROOT, 'fixtures', 'adversarial', 'cname12-deep-nsec3-500-salt255-no-ents.json');

  it('12 CNAME links, 11 labels deep, zone-cut checks answered by closest-encloser proofs at 500 iterations and a 255-octet salt: bogus, EDE 6, "work budget … NSEC3 hashing"', async () => {
    const spy = vi.spyOn(WorkBudget.prototype, 'takeNsec3Hash');
    const { res } = await replay(file);
    expect(res.status).toBe('bogus');
    expect(res.records).toEqual([]);
    expect(res.reasons[0]).toMatchObject({ ede: EDE.DNSSEC_BOGUS });
    expect(res.reasons[0]!.text).toMatch(/work budget of \d+ work units per question exhausted by NSEC3 hashing/);
    // Hashes granted are bounded by the budget (the unbounded walk computed hundreds).
    const granted = spy.mock.results.filter((r) => r.value === true).length;
    expect(granted).toBeLessThanOrEqual(Math.ceil(MAX_WORK_UNITS_PER_QUESTION / nsec3HashUnits(12, 255, 500)));
    expect(granted).toBeGreaterThan(0);
  });
});

describe('honest chains stay well inside the budget', () => {
  const dirs = ['lab', 'handwritten'].map((d) => join(ROOT, 'fixtures', d));
  const files = dirs.flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.json')).map((f) => join(d, f)));

  it(`every captured lab and handwritten fixture (${files.length}) keeps its verdict and uses under a quarter of ${MAX_WORK_UNITS_PER_QUESTION} units`, async () => {
    let worst = 0;
    let worstFile = '';
    const spend = WorkBudget.prototype.spend;
    vi.spyOn(WorkBudget.prototype, 'spend').mockImplementation(function (this: WorkBudget, kind, units) {
      const ok = spend.call(this, kind, units);
      if (this.used > worst) worst = this.used;
      return ok;
    });
    for (const file of files) {
      const before = worst;
      const { f, res } = await replay(file);
      if (f.expected) expect(res.status, file).toBe(f.expected.status);
      expect(res.reasons.some((r) => /work budget/.test(r.text)), file).toBe(false);
      if (worst > before) worstFile = file;
    }
    expect(worst, worstFile).toBeGreaterThan(0);
    expect(worst, worstFile).toBeLessThan(MAX_WORK_UNITS_PER_QUESTION / 4);
  });
});
