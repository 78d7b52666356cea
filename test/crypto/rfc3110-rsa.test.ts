/**
 * RSA in DNSSEC: RFC 3110 (key format, RSA/SHA-1), RFC 5155 §2 (algorithm 7), RFC 5702 (RSA/SHA-256, RSA/SHA-512),
 * verified with RSASSA-PKCS1-v1_5 (RFC 8017 §8.2.2), on both backends.
 */
import * as crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { rsaDnskeyPublicKey, verifySignature } from '../../src/crypto/index.js';
import { DIGEST_INFO_PREFIX } from '../../src/crypto/rsa-pkcs1.js';
import { BACKENDS, dnskeyFromNode, signatureVector } from './_helpers.js';

describe('known answers (RFC example zones)', () => {
  const vectors = [
    { label: 'RFC 5702 §6.1 RSASHA256, 512-bit key', file: 'vectors/rfc/rfc5702-6.1-rsasha256.txt', owner: 'www.example.net.', type: 'A', alg: 8 },
    { label: 'RFC 5702 §6.2 RSASHA512, 1024-bit key', file: 'vectors/rfc/rfc5702-6.2-rsasha512.txt', owner: 'www.example.net.', type: 'A', alg: 10 },
    { label: 'RFC 4035 App. A RSASHA1, 1024-bit key with e = 3', file: 'vectors/rfc/rfc4035-A-signed-zone.zone', owner: 'example.', type: 'MX', alg: 5 },
    { label: 'RFC 5155 App. A RSASHA1-NSEC3-SHA1, 512-bit key', file: 'vectors/rfc/rfc5155-A-signed-zone.zone', owner: 'example.', type: 'MX', alg: 7 },
  ];
  describe.each(vectors)('$label', (v) => {
    it.each(BACKENDS)('%s backend: valid', (backend) => {
      const s = signatureVector(v.file, v.owner, v.type);
      expect(s.algorithm).toBe(v.alg);
      expect(verifySignature(s.algorithm, s.publicKey, s.data, s.signature, { backend })).toBe('valid');
    });

    it.each(BACKENDS)('%s backend: same signature with another RSA hash is invalid', (backend) => {
      const s = signatureVector(v.file, v.owner, v.type);
      const other = s.algorithm === 8 ? 5 : 8;
      expect(verifySignature(other, s.publicKey, s.data, s.signature, { backend })).toBe('invalid');
    });
  });
});

function generated(bits: number, publicExponent = 65537) {
  const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: bits, publicExponent });
  return { publicKey: dnskeyFromNode(publicKey), privateKey };
}

describe('RFC 3110 §2 key format and the accepted sizes', () => {
  const k1024 = generated(1024);
  const data = new Uint8Array(crypto.randomBytes(100));
  const sig1024 = new Uint8Array(crypto.sign('sha256', data, k1024.privateKey));
  const exponent = k1024.publicKey.subarray(1, 1 + k1024.publicKey[0]!);
  const modulus = k1024.publicKey.subarray(1 + k1024.publicKey[0]!);

  it.each(BACKENDS)('%s backend: the 3-octet exponent length form (0, length16) is read too', (backend) => {
    const threeOctet = Uint8Array.from([0, 0, exponent.length, ...exponent, ...modulus]);
    expect(verifySignature(8, threeOctet, data, sig1024, { backend })).toBe('valid');
  });

  const malformed: Array<[string, Uint8Array]> = [
    ['empty key', new Uint8Array(0)],
    ['zero exponent length (1-octet form)', Uint8Array.from([0])],
    ['zero exponent length (3-octet form)', Uint8Array.from([0, 0, 0, ...modulus])],
    ['truncated 3-octet length', Uint8Array.from([0, 0])],
    ['exponent longer than the key', Uint8Array.from([200, 1, 0, 1])],
    ['zero-length modulus', Uint8Array.from([3, 1, 0, 1])],
    ['leading zero octet in the modulus (RFC 3110 §2)', Uint8Array.from([3, 1, 0, 1, 0, ...modulus])],
    ['leading zero octet in the exponent (RFC 3110 §2)', Uint8Array.from([4, 0, 1, 0, 1, ...modulus])],
    ['even exponent', Uint8Array.from([3, 1, 0, 2, ...modulus])],
    ['exponent 1', Uint8Array.from([1, 1, ...modulus])],
    ['exponent of 65 bits', Uint8Array.from([9, 1, 0, 0, 0, 0, 0, 0, 0, 1, ...modulus])],
    ['even modulus', Uint8Array.from([...k1024.publicKey.subarray(0, -1), k1024.publicKey.at(-1)! & 0xfe])],
    ['modulus of 4097 bits', Uint8Array.from([3, 1, 0, 1, 1, ...new Uint8Array(511).fill(0xff), 0xff])],
    ['modulus of 511 bits', Uint8Array.from([3, 1, 0, 1, 0x7f, ...new Uint8Array(63).fill(0xff)])],
  ];
  it.each(malformed)('%s → bad-key on both backends', (_label, key) => {
    for (const backend of BACKENDS) {
      for (const alg of [5, 7, 8, 10]) expect(verifySignature(alg, key, data, sig1024, { backend })).toBe('bad-key');
    }
  });

  it('512-bit keys: accepted for RSASHA1/RSASHA256 (RFC 3110 §2, RFC 5702 §2.1), bad-key for RSASHA512 (RFC 5702 §2.2)', () => {
    const k512 = generated(512);
    const sig = new Uint8Array(crypto.sign('sha256', data, k512.privateKey));
    for (const backend of BACKENDS) {
      expect(verifySignature(8, k512.publicKey, data, sig, { backend })).toBe('valid');
      expect(verifySignature(10, k512.publicKey, data, sig, { backend })).toBe('bad-key');
    }
  });

  it('rsaDnskeyPublicKey writes the 3-octet length form only for exponents over 255 octets', () => {
    expect([...rsaDnskeyPublicKey(Uint8Array.of(1, 0, 1), Uint8Array.of(0xc5, 0x01))]).toEqual([3, 1, 0, 1, 0xc5, 0x01]);
    const longExponent = new Uint8Array(256).fill(1);
    expect([...rsaDnskeyPublicKey(longExponent, Uint8Array.of(0xc5)).subarray(0, 3)]).toEqual([0, 1, 0]);
  });
});

describe('signature length = modulus length (RFC 8017 §8.2.2 step 1)', () => {
  const k = generated(1024);
  // Find data whose signature starts with a zero octet (about 1 in 256).
  let data = new Uint8Array(0);
  let sig = new Uint8Array(0);
  for (let i = 0; i < 5000; i++) {
    data = new Uint8Array(crypto.randomBytes(40));
    sig = new Uint8Array(crypto.sign('sha256', data, k.privateKey));
    if (sig[0] === 0) break;
  }

  it.each(BACKENDS)('%s backend: a full-length signature with a leading zero octet is valid', (backend) => {
    expect(sig[0]).toBe(0);
    expect(verifySignature(8, k.publicKey, data, sig, { backend })).toBe('valid');
  });

  it.each(BACKENDS)('%s backend: the same signature with the zero stripped, or padded, is invalid', (backend) => {
    expect(verifySignature(8, k.publicKey, data, sig.subarray(1), { backend })).toBe('invalid');
    expect(verifySignature(8, k.publicKey, data, Uint8Array.from([0, ...sig]), { backend })).toBe('invalid');
  });

  it.each(BACKENDS)('%s backend: a signature value >= n is invalid', (backend) => {
    const n = k.publicKey.subarray(1 + k.publicKey[0]!);
    expect(verifySignature(8, k.publicKey, data, n, { backend })).toBe('invalid');
    expect(verifySignature(8, k.publicKey, data, new Uint8Array(n.length).fill(0xff), { backend })).toBe('invalid');
  });
});

function bigFromBytes(b: Uint8Array): bigint {
  return b.length === 0 ? 0n : BigInt('0x' + Buffer.from(b).toString('hex'));
}

function bytesFromBig(v: bigint, length: number): Uint8Array {
  return new Uint8Array(Buffer.from(v.toString(16).padStart(length * 2, '0'), 'hex'));
}

function cubeRootCeil(v: bigint): bigint {
  let x = 1n << BigInt(Math.ceil(v.toString(2).length / 3) + 1);
  for (;;) {
    const next = (2n * x + v / (x * x)) / 3n;
    if (next >= x) break;
    x = next;
  }
  while (x * x * x > v) x--;
  while (x * x * x < v) x++;
  return x;
}

describe('Bleichenbacher 2006 e = 3 forgery', () => {
  it.each(BACKENDS)('%s backend: a block with the right prefix and garbage after the hash is rejected', (backend) => {
    const k = generated(2048, 3);
    const data = new Uint8Array(crypto.randomBytes(64));
    const hash = new Uint8Array(crypto.createHash('sha256').update(data).digest());
    const modulus = k.publicKey.subarray(2); // exponent length 1, exponent 3
    const n = bigFromBytes(modulus);
    const size = modulus.length;
    // 00 01 FF 00 DigestInfo hash — followed by garbage a parsing verifier would skip.
    const prefix = Uint8Array.from([0x00, 0x01, 0xff, 0x00, ...DIGEST_INFO_PREFIX.sha256, ...hash]);
    const garbageBits = BigInt(8 * (size - prefix.length));
    const s = cubeRootCeil(bigFromBytes(prefix) << garbageBits);
    const block = bytesFromBig((s * s * s) % n, size);
    // The forgery works against a parser: s^3 mod n starts with the well-formed prefix...
    expect(Buffer.from(block.subarray(0, prefix.length)).equals(Buffer.from(prefix))).toBe(true);
    // ...but it is not the full EMSA-PKCS1-v1_5 block, so it must not verify.
    expect(verifySignature(8, k.publicKey, data, bytesFromBig(s, size), { backend })).toBe('invalid');
    // Control: a real signature with this e = 3 key verifies.
    const real = new Uint8Array(crypto.sign('sha256', data, k.privateKey));
    expect(verifySignature(8, k.publicKey, data, real, { backend })).toBe('valid');
  });
});
