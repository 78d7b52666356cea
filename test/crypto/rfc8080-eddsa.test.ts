/**
 * EdDSA in DNSSEC, RFC 8080: Ed25519 (15) and Ed448 (16), RFC 8032 verification with strict decoding.
 * The §6 example RRSIGs are the Errata ID 4935 corrections (see the vector files).
 */
import * as crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifySignature } from '../../src/crypto/index.js';
import { BACKENDS, dnskeyFromNode, signatureVector } from './_helpers.js';

// RFC 8032 §5.1 / §5.2: group order L, little-endian S.
const ED25519_L = 2n ** 252n + 27742317777372353535851937790883648493n;
const ED448_L = 2n ** 446n - 13818066809895115352007386748515426880336692474882178609894547503885n;

const CURVES = [
  { alg: 15, type: 'ed25519' as const, keyLength: 32, sigLength: 64, order: ED25519_L, files: ['rfc8080-6.1-ed25519-example1.txt', 'rfc8080-6.1-ed25519-example2.txt'] },
  { alg: 16, type: 'ed448' as const, keyLength: 57, sigLength: 114, order: ED448_L, files: ['rfc8080-6.2-ed448-example1.txt', 'rfc8080-6.2-ed448-example2.txt'] },
];

function le(v: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = Number((v >> BigInt(8 * i)) & 0xffn);
  return out;
}

function fromLe(b: Uint8Array): bigint {
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
  return v;
}

describe.each(CURVES)('algorithm $alg ($type)', (c) => {
  describe.each(c.files)('RFC 8080 §6 %s (errata RRSIG)', (file) => {
    it.each(BACKENDS)('%s backend: valid', (backend) => {
      const v = signatureVector(`vectors/rfc/${file}`, 'example.com.', 'MX');
      expect(v.algorithm).toBe(c.alg);
      expect(verifySignature(c.alg, v.publicKey, v.data, v.signature, { backend })).toBe('valid');
    });
  });

  const { publicKey, privateKey } =
    c.type === 'ed25519' ? crypto.generateKeyPairSync('ed25519') : crypto.generateKeyPairSync('ed448');
  const key = dnskeyFromNode(publicKey);
  const data = new Uint8Array(crypto.randomBytes(70));
  const sig = new Uint8Array(crypto.sign(null, data, privateKey));

  it.each(BACKENDS)('%s backend: S + L (non-canonical scalar, RFC 8032 §5.1.7 step 1) is invalid', (backend) => {
    const half = c.sigLength / 2;
    const s = fromLe(sig.subarray(half));
    const malleated = Uint8Array.from([...sig.subarray(0, half), ...le(s + c.order, half)]);
    expect(verifySignature(c.alg, key, data, sig, { backend })).toBe('valid');
    expect(verifySignature(c.alg, key, data, malleated, { backend })).toBe('invalid');
  });

  it.each(BACKENDS)('%s backend: wrong key or signature lengths', (backend) => {
    expect(verifySignature(c.alg, key.subarray(1), data, sig, { backend })).toBe('bad-key');
    expect(verifySignature(c.alg, Uint8Array.from([...key, 0]), data, sig, { backend })).toBe('bad-key');
    expect(verifySignature(c.alg, key, data, sig.subarray(1), { backend })).toBe('invalid');
    expect(verifySignature(c.alg, key, data, Uint8Array.from([...sig, 0]), { backend })).toBe('invalid');
  });

  it.each(BACKENDS)('%s backend: a non-canonical key encoding (y >= p) is a bad key', (backend) => {
    // All-ones y (sign bit clear) is above p for both curves: RFC 8032 §5.1.3 / §5.2.3 decoding fails.
    const bad = new Uint8Array(c.keyLength).fill(0xff);
    bad[c.keyLength - 1] = c.type === 'ed25519' ? 0x7f : 0x00;
    expect(verifySignature(c.alg, bad, data, sig, { backend })).toBe('bad-key');
  });
});

describe('small-order public keys', () => {
  // The identity (y = 1) and the point of order 2 (y = -1 = p - 1) for Ed25519; the identity for Ed448.
  const ED25519_P = 2n ** 255n - 19n;
  const keys: Array<[string, number, Uint8Array]> = [
    ['Ed25519 identity', 15, le(1n, 32)],
    ['Ed25519 order-2 point', 15, le(ED25519_P - 1n, 32)],
    ['Ed448 identity', 16, le(1n, 57)],
  ];
  it.each(keys)('%s is a bad key on both backends', (_label, alg, key) => {
    const sig = new Uint8Array(alg === 15 ? 64 : 114);
    sig[0] = 1; // R = identity encoding, S = 0: "valid" under a small-order key for a lax verifier
    for (const backend of BACKENDS) expect(verifySignature(alg, key, new Uint8Array(8), sig, { backend })).toBe('bad-key');
  });
});
