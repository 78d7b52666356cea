/**
 * ECDSA in DNSSEC, RFC 6605: P-256/SHA-256 (13) and P-384/SHA-384 (14); key x | y, signature r | s (§4).
 */
import * as crypto from 'node:crypto';
import { p256, p384 } from '@noble/curves/nist.js';
import { describe, expect, it } from 'vitest';
import { verifySignature } from '../../src/crypto/index.js';
import { BACKENDS, dnskeyFromNode, signatureVector } from './_helpers.js';

const CURVES = [
  { alg: 13, curve: 'P-256' as const, size: 32, hash: 'sha256', order: p256.Point.Fn.ORDER, file: 'vectors/rfc/rfc6605-6.1-ecdsap256.txt' },
  { alg: 14, curve: 'P-384' as const, size: 48, hash: 'sha384', order: p384.Point.Fn.ORDER, file: 'vectors/rfc/rfc6605-6.2-ecdsap384.txt' },
];

function toBytes(v: bigint, size: number): Uint8Array {
  return new Uint8Array(Buffer.from(v.toString(16).padStart(size * 2, '0'), 'hex'));
}

describe.each(CURVES)('algorithm $alg ($curve)', (c) => {
  it.each(BACKENDS)('%s backend: RFC 6605 §6 example RRSIG is valid (hashed once, with the curve hash)', (backend) => {
    const v = signatureVector(c.file, 'www.example.net.', 'A');
    expect(v.algorithm).toBe(c.alg);
    expect(verifySignature(c.alg, v.publicKey, v.data, v.signature, { backend })).toBe('valid');
  });

  const { publicKey, privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: c.curve });
  const key = dnskeyFromNode(publicKey);
  const data = new Uint8Array(crypto.randomBytes(90));
  const sig = new Uint8Array(crypto.sign(c.hash, data, { key: privateKey, dsaEncoding: 'ieee-p1363' }));

  it.each(BACKENDS)('%s backend: high-S signatures are valid (signers do not normalise s)', (backend) => {
    const r = sig.subarray(0, c.size);
    const s = BigInt('0x' + Buffer.from(sig.subarray(c.size)).toString('hex'));
    const flipped = Uint8Array.from([...r, ...toBytes(c.order - s, c.size)]);
    expect(verifySignature(c.alg, key, data, sig, { backend })).toBe('valid');
    expect(verifySignature(c.alg, key, data, flipped, { backend })).toBe('valid');
  });

  it.each(BACKENDS)('%s backend: the signature of the pre-hashed data does not verify the data', (backend) => {
    const digest = new Uint8Array(crypto.createHash(c.hash).update(data).digest());
    const sigOverDigest = new Uint8Array(crypto.sign(c.hash, digest, { key: privateKey, dsaEncoding: 'ieee-p1363' }));
    expect(verifySignature(c.alg, key, data, sigOverDigest, { backend })).toBe('invalid');
    expect(verifySignature(c.alg, key, digest, sigOverDigest, { backend })).toBe('valid');
  });

  it.each(BACKENDS)('%s backend: r = 0 or s = 0, and r, s >= n, are invalid', (backend) => {
    const r = sig.subarray(0, c.size);
    const s = sig.subarray(c.size);
    const zero = new Uint8Array(c.size);
    const n = toBytes(c.order, c.size);
    for (const bad of [
      [...zero, ...s],
      [...r, ...zero],
      [...n, ...s],
      [...r, ...n],
    ]) {
      expect(verifySignature(c.alg, key, data, Uint8Array.from(bad), { backend })).toBe('invalid');
    }
  });

  it.each(BACKENDS)('%s backend: DER-encoded signatures are not RFC 6605 and are invalid', (backend) => {
    const der = new Uint8Array(crypto.sign(c.hash, data, { key: privateKey, dsaEncoding: 'der' }));
    expect(verifySignature(c.alg, key, data, der, { backend })).toBe('invalid');
  });

  it.each(BACKENDS)('%s backend: a point not on the curve, or of the wrong length, is a bad key', (backend) => {
    const offCurve = key.slice();
    offCurve[offCurve.length - 1]! ^= 1; // y changed: not on the curve any more
    expect(verifySignature(c.alg, offCurve, data, sig, { backend })).toBe('bad-key');
    expect(verifySignature(c.alg, new Uint8Array(2 * c.size), data, sig, { backend })).toBe('bad-key');
    expect(verifySignature(c.alg, Uint8Array.from([4, ...key]), data, sig, { backend })).toBe('bad-key');
    expect(verifySignature(c.alg, key.subarray(0, c.size), data, sig, { backend })).toBe('bad-key');
  });
});
