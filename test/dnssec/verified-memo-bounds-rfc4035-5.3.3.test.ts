/**
 * src/dnssec/verified.ts (one verification per question, RFC 4035 §5.3.3)
 * under attack: a hit must be exactly what verifySignature would answer for
 * these inputs now, and the memo must add no work an attacker can multiply
 * (KeyTrap: the question's budget caps verifications at
 * MAX_SIGNATURE_VERIFICATIONS_PER_QUESTION, and the memo's own work must stay
 * linear in them).
 */
import * as crypto from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';

vi.mock('../../src/crypto/index.js', async (importOriginal) => {
  const orig = await importOriginal<typeof import('../../src/crypto/index.js')>();
  return { ...orig, verifySignature: vi.fn(orig.verifySignature) };
});

/** Octets compared by bytesEqual (both inputs of equal length: the comparison may read them all). */
const compared = { octets: 0 };
vi.mock('../../src/wire/bytes.js', async (importOriginal) => {
  const orig = await importOriginal<typeof import('../../src/wire/bytes.js')>();
  return {
    ...orig,
    bytesEqual: (a: Uint8Array, b: Uint8Array): boolean => {
      if (a.length === b.length) compared.octets += a.length;
      return orig.bytesEqual(a, b);
    },
  };
});

import { setDefaultBackend, verifySignature } from '../../src/crypto/index.js';
import { VerifiedSignatures } from '../../src/dnssec/verified.js';
import { MAX_SIGNATURE_VERIFICATIONS_PER_QUESTION } from '../../src/dnssec/limits.js';
import { rfc2536Key } from '../support/dsa-key.js';

const spy = vi.mocked(verifySignature);

const dsa = crypto.generateKeyPairSync('dsa', { modulusLength: 1024, divisorLength: 160 });
const dsaKey = rfc2536Key(dsa.publicKey);
const dsaData = new Uint8Array(crypto.randomBytes(120));
const dsaSig = Uint8Array.from([dsaKey[0]!, ...crypto.sign('sha1', dsaData, { key: dsa.privateKey, dsaEncoding: 'ieee-p1363' })]);

const p256 = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
const jwk = p256.publicKey.export({ format: 'jwk' });
const p256Key = Uint8Array.from([...Buffer.from(jwk.x!, 'base64url'), ...Buffer.from(jwk.y!, 'base64url')]);
function p256Sign(data: Uint8Array): Uint8Array {
  return new Uint8Array(crypto.sign('sha256', data, { key: p256.privateKey, dsaEncoding: 'ieee-p1363' }));
}

afterEach(() => setDefaultBackend('auto'));

describe('a memo entry answers only for the crypto options it was made with', () => {
  it('a DSA signature valid with legacyAlgorithms is unsupported without them (RFC 8624 §3.1), memo or not', () => {
    const memo = new VerifiedSignatures();
    expect(memo.verify(3, dsaKey, dsaData, dsaSig, { legacyAlgorithms: true })).toBe('valid');
    expect(memo.verify(3, dsaKey, dsaData, dsaSig)).toBe('unsupported');
    expect(memo.verify(3, dsaKey, dsaData, dsaSig, { legacyAlgorithms: true, backend: 'noble' })).toBe('unsupported');
  });

  it('setDefaultBackend between two verifications (process-wide, while a question is in flight): the second answers for the backend now chosen', () => {
    const memo = new VerifiedSignatures();
    const legacy = { legacyAlgorithms: true };
    expect(memo.verify(6, dsaKey, dsaData, dsaSig, legacy)).toBe('valid');
    setDefaultBackend('noble'); // the pure backend has no DSA
    expect(memo.verify(6, dsaKey, dsaData, dsaSig, legacy)).toBe(verifySignature(6, dsaKey, dsaData, dsaSig, legacy));
    expect(memo.verify(6, dsaKey, dsaData, dsaSig, legacy)).toBe('unsupported');
  });
});

describe('a memo entry answers only for the octets it was given', () => {
  it('signed data written after the call does not answer for its new contents (the memo keeps its own copy)', () => {
    const memo = new VerifiedSignatures();
    const data = new Uint8Array(crypto.randomBytes(200));
    const sig = p256Sign(data);
    expect(memo.verify(13, p256Key, data, sig)).toBe('valid');
    data[199] = data[199]! ^ 1;
    expect(memo.verify(13, p256Key, data, sig)).toBe('invalid');
  });

  it('a public key written after the call does not answer for its new contents', () => {
    const memo = new VerifiedSignatures();
    const data = new Uint8Array(crypto.randomBytes(200));
    const sig = p256Sign(data);
    const key = p256Key.slice();
    expect(memo.verify(13, key, data, sig)).toBe('valid');
    key[10] = key[10]! ^ 1;
    expect(memo.verify(13, key, data, sig)).not.toBe('valid');
  });

  it('signatures of every short length and octet (empty, odd lengths, 0x00 and 0xff, UTF-8 look-alikes) and subarrays at odd offsets are told apart', () => {
    const memo = new VerifiedSignatures();
    const data = new Uint8Array(crypto.randomBytes(64));
    const good = p256Sign(data);
    // One backing buffer: each signature a subarray at an odd offset, with other octets around it.
    const shared = new Uint8Array(4096).fill(0xaa);
    let at = 1;
    const view = (octets: number[]): Uint8Array => {
      shared.set(octets, at);
      const v = shared.subarray(at, at + octets.length);
      at += octets.length + 3;
      return v;
    };
    const sigs = [[], [0], [0, 0], [0xff], [0xc3, 0xbf], [0xbf], [0xaa], [0xaa, 0xaa, 0xaa], [0x80], [0xc2, 0x80], [...good.subarray(0, 63)], [...good, 0]].map(view);
    spy.mockClear();
    for (const s of sigs) expect(memo.verify(13, p256Key, data, s)).toBe('invalid');
    expect(spy).toHaveBeenCalledTimes(sigs.length);
    // Each is remembered under its own octets: asked again, none is verified again, and the good one still is valid.
    for (const s of sigs) expect(memo.verify(13, p256Key, data, s)).toBe('invalid');
    expect(spy).toHaveBeenCalledTimes(sigs.length);
    expect(memo.verify(13, p256Key, data, view([...good]))).toBe('valid');
  });
});

describe('the memo adds no work an attacker can multiply (KeyTrap)', () => {
  const N = MAX_SIGNATURE_VERIFICATIONS_PER_QUESTION;

  it(`${N} verifications of one signature over ${N} signed data that differ in their last octet: the memo compares at most a few times the octets verified`, () => {
    const memo = new VerifiedSignatures();
    const sig = p256Sign(new Uint8Array(8));
    const size = 4096;
    compared.octets = 0;
    for (let i = 0; i < N; i++) {
      const data = new Uint8Array(size);
      data[size - 1] = i;
      expect(memo.verify(13, p256Key, data, sig)).toBe('invalid');
    }
    // Without a bound each lookup compared with every earlier entry: N(N-1)/2 full comparisons, 32 times this.
    expect(compared.octets).toBeLessThanOrEqual(4 * N * (size + p256Key.length));
  });

  it('a signature longer than any algorithm makes (RSA 4096: 512 octets) is verified as before and not kept', () => {
    const memo = new VerifiedSignatures();
    const data = new Uint8Array(100);
    const long = new Uint8Array(65_000);
    spy.mockClear();
    expect(memo.verify(13, p256Key, data, long)).toBe('invalid');
    expect(memo.verify(13, p256Key, data, long)).toBe('invalid');
    expect(memo.verify(8, new Uint8Array(260).fill(1), data, new Uint8Array(513))).toBe(verifySignature(8, new Uint8Array(260).fill(1), data, new Uint8Array(513)));
    // Two calls, not one: no 65,000-character key was made for it (V8 hashes a string that long by its length alone).
    expect(spy.mock.calls.filter(([, , , s]) => s === long)).toHaveLength(2);
  });

  it('a repeat is still answered from the memo after other inputs filled its signature\'s entries', () => {
    const memo = new VerifiedSignatures();
    const data = new Uint8Array(crypto.randomBytes(200));
    const sig = p256Sign(data);
    expect(memo.verify(13, p256Key, data, sig)).toBe('valid');
    for (let i = 0; i < 8; i++) expect(memo.verify(13, p256Key, Uint8Array.of(i), sig)).toBe('invalid');
    spy.mockClear();
    expect(memo.verify(13, p256Key, data, sig)).toBe('valid');
    expect(spy).not.toHaveBeenCalled();
  });
});
