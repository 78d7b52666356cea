/**
 * RFC 4035 §5.3.3: one verification per (key, signed data, signature) in a
 * question. A cold walk gets the same signed RRset in several responses: the
 * SOA of the zone in each negative answer to the DS queries of the walk, and
 * the NSEC that proves no zone cut at several names. Each copy used to be
 * verified again (mail-tlsa.json: 12 verifications, 3 of them repeats).
 * src/dnssec/verified.ts keeps what the question verified; the work budget is
 * still charged for each, so the KeyTrap bounds are unchanged.
 */
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

vi.mock('../../src/crypto/index.js', async (importOriginal) => {
  const orig = await importOriginal<typeof import('../../src/crypto/index.js')>();
  return { ...orig, verifySignature: vi.fn(orig.verifySignature) };
});

import { verifySignature } from '../../src/crypto/index.js';
import { VerifiedSignatures } from '../../src/dnssec/verified.js';
import { FixtureSource, fixtureAnchors, readFixture } from '../../src/fixtures/fixture.js';
import { createValidator } from '../../src/validator/validator.js';

const spy = vi.mocked(verifySignature);
const FIXTURE = join(import.meta.dirname, '..', '..', 'fixtures', 'lab', 'mail-tlsa.json');

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

/** The inputs of every verifySignature call, as one string each. */
function calls(): string[] {
  return spy.mock.calls.map(([alg, key, data, sig]) => `${alg}|${hex(key)}|${hex(data)}|${hex(sig)}`);
}

describe('each signature is verified once per question (RFC 4035 §5.3.3)', () => {
  it('a cold walk with the SOA and NSEC of mail.lab. in several negative answers: no verification repeated, same verdict', async () => {
    const fixture = readFixture(FIXTURE);
    spy.mockClear();
    const v = createValidator({ source: new FixtureSource(fixture), trustAnchors: fixtureAnchors(fixture), clock: () => fixture.time });
    const result = await v.validate(fixture.question!.name, fixture.question!.type);
    expect(result.status).toBe('secure');
    const all = calls();
    expect(all.length).toBeGreaterThanOrEqual(6); // root DNSKEY, lab. DS and DNSKEY, mail.lab. DS and DNSKEY, the TLSA
    expect(new Set(all).size).toBe(all.length);
  });

  it('a later question verifies again: the memo lives for one question only', async () => {
    const fixture = readFixture(FIXTURE);
    const v = createValidator({ source: new FixtureSource(fixture), trustAnchors: fixtureAnchors(fixture), clock: () => fixture.time, resultCacheSize: 0 });
    spy.mockClear();
    await v.validate(fixture.question!.name, fixture.question!.type);
    const first = calls();
    spy.mockClear();
    await v.validate(fixture.question!.name, fixture.question!.type);
    // Keys are held between questions (the key cache), so only the answer's own RRSIG is checked again.
    expect(calls().length).toBeGreaterThanOrEqual(1);
    expect(first).toEqual(expect.arrayContaining(calls()));
  });
});

describe('VerifiedSignatures', () => {
  const real = async () => (await vi.importActual<typeof import('../../src/crypto/index.js')>('../../src/crypto/index.js')).verifySignature;

  it('answers a repeat from the memo and anything that differs in one octet (key, data, signature) or the algorithm by verifying', async () => {
    const verify = await real();
    const fixture = readFixture(FIXTURE);
    spy.mockClear();
    const v = createValidator({ source: new FixtureSource(fixture), trustAnchors: fixtureAnchors(fixture), clock: () => fixture.time });
    await v.validate(fixture.question!.name, fixture.question!.type);
    const [alg, key, data, sig] = spy.mock.calls.find(([a]) => a === 13)!;
    expect(verify(alg, key, data, sig)).toBe('valid');
    const memo = new VerifiedSignatures();
    spy.mockClear();
    expect(memo.verify(alg, key, data, sig)).toBe('valid');
    expect(memo.verify(alg, key, data, sig)).toBe('valid');
    expect(spy).toHaveBeenCalledTimes(1);
    const flip = (b: Uint8Array, i: number): Uint8Array => {
      const c = new Uint8Array(b);
      c[i] = c[i]! ^ 1;
      return c;
    };
    // The same signature over other data, with another key, other signature octets, another algorithm number.
    expect(memo.verify(alg, key, flip(data, data.length - 1), sig)).not.toBe('valid');
    expect(memo.verify(alg, flip(key, 5), data, sig)).not.toBe('valid');
    expect(memo.verify(alg, key, data, flip(sig, 7))).not.toBe('valid');
    expect(memo.verify(14, key, data, sig)).not.toBe('valid');
    expect(spy).toHaveBeenCalledTimes(5);
    // Each of those is remembered as it came out, and the first one is still valid.
    expect(memo.verify(alg, key, flip(data, data.length - 1), sig)).not.toBe('valid');
    expect(memo.verify(alg, key, data, sig)).toBe('valid');
    expect(spy).toHaveBeenCalledTimes(5);
  });
});
