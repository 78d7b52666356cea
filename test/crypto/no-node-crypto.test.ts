/**
 * A runtime without node:crypto (browser, some edge runtimes), simulated by mocking the module that loads it:
 * everything must still work on the pure backend, with no configuration.
 */
import * as crypto from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  backendFor,
  dsDigest,
  getHashBackend,
  hasNodeCrypto,
  isSupportedAlgorithm,
  nsec3Hash,
  setDefaultBackend,
  verifySignature,
} from '../../src/crypto/index.js';
import { base32hex, canonicalName, dnskeyFromNode, hex } from './_helpers.js';

vi.mock('../../src/crypto/_node.js', () => ({ nodeCrypto: undefined }));

afterEach(() => setDefaultBackend('auto'));

const data = new Uint8Array(crypto.randomBytes(64));

describe('without node:crypto', () => {
  it('reports it, and auto uses noble for every algorithm and for hashes', () => {
    expect(hasNodeCrypto()).toBe(false);
    expect(getHashBackend()).toBe('noble');
    for (const alg of [5, 7, 8, 10, 13, 14, 15, 16]) expect(backendFor(alg)).toBe('noble');
  });

  it('verifies RSA, ECDSA and EdDSA signatures', () => {
    const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 1024 });
    const ec = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const ed = crypto.generateKeyPairSync('ed25519');
    const cases: Array<[number, Uint8Array, Uint8Array]> = [
      [8, dnskeyFromNode(rsa.publicKey), new Uint8Array(crypto.sign('sha256', data, rsa.privateKey))],
      [13, dnskeyFromNode(ec.publicKey), new Uint8Array(crypto.sign('sha256', data, { key: ec.privateKey, dsaEncoding: 'ieee-p1363' }))],
      [15, dnskeyFromNode(ed.publicKey), new Uint8Array(crypto.sign(null, data, ed.privateKey))],
    ];
    for (const [alg, key, sig] of cases) {
      expect(verifySignature(alg, key, data, sig)).toBe('valid');
      expect(verifySignature(alg, key, data.subarray(1), sig)).toBe('invalid');
    }
  });

  it('DSA and an explicit node backend are unsupported, not errors', () => {
    expect(isSupportedAlgorithm(3, { legacyAlgorithms: true })).toBe(false);
    expect(verifySignature(8, new Uint8Array(10), data, data, { backend: 'node' })).toBe('unsupported');
    setDefaultBackend('node');
    expect(isSupportedAlgorithm(8)).toBe(false);
    expect(getHashBackend()).toBe('noble');
  });

  it('hashes DS digests and NSEC3 names (RFC 5155 App. A: H(example))', () => {
    expect(dsDigest(2, new Uint8Array(0))).toEqual(hex('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'));
    expect(base32hex(nsec3Hash(canonicalName('example.'), hex('aabbccdd'), 12))).toBe('0p9mhaveqvm6t7vbl5lop2u3t2rp3tom');
  });
});
