/**
 * @noble is loaded only when a run needs it (crypto/_noble.ts): never for node:crypto verifications and hashes,
 * the Ed25519/Ed448 curve for the EdDSA key check (no native path), the rest for the pure backend. Where there is no
 * `require` (a browser bundle), pureCryptoReady() loads it asynchronously, verifications fail closed until then,
 * and the Validator waits for it.
 * Each test imports fresh module instances (vi.resetModules), so what one test loads does not leak into another.
 */
import * as crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dnskeyFromNode } from './_helpers.js';

type CryptoIndex = typeof import('../../src/crypto/index.js');
type Noble = typeof import('../../src/crypto/_noble.js');

const data = new Uint8Array(crypto.randomBytes(64));
const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 1024 });
const ec = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ed = crypto.generateKeyPairSync('ed25519');
const RSA: [number, Uint8Array, Uint8Array] = [8, dnskeyFromNode(rsa.publicKey), new Uint8Array(crypto.sign('sha256', data, rsa.privateKey))];
const P256: [number, Uint8Array, Uint8Array] = [
  13,
  dnskeyFromNode(ec.publicKey),
  new Uint8Array(crypto.sign('sha256', data, { key: ec.privateKey, dsaEncoding: 'ieee-p1363' })),
];
const ED25519: [number, Uint8Array, Uint8Array] = [15, dnskeyFromNode(ed.publicKey), new Uint8Array(crypto.sign(null, data, ed.privateKey))];

async function fresh(): Promise<{ c: CryptoIndex; noble: Noble }> {
  vi.resetModules();
  const c = await import('../../src/crypto/index.js');
  const noble = await import('../../src/crypto/_noble.js');
  return { c, noble };
}

/** One pure-backend verification of `data`. */
function pure(c: CryptoIndex, [alg, key, sig]: [number, Uint8Array, Uint8Array]): string {
  return c.verifySignature(alg, key, data, sig, { backend: 'noble' });
}

afterEach(() => {
  vi.restoreAllMocks();
  vi.resetModules();
});

describe('noble is loaded on first use (RFC 4035 §5.3.3 verifications on node:crypto need none of it)', () => {
  it('RSA and ECDSA verifications, DS digests and NSEC3 hashes on node:crypto load no noble module', async () => {
    const { c, noble } = await fresh();
    for (const [alg, key, sig] of [RSA, P256]) {
      expect(c.verifySignature(alg, key, data, sig)).toBe('valid');
      expect(c.verifySignature(alg, key, data.subarray(1), sig)).toBe('invalid');
    }
    expect(c.dsDigest(2, data)).toHaveLength(32);
    expect(c.nsec3Hash(Uint8Array.of(0), new Uint8Array(0), 1)).toHaveLength(20);
    expect(noble.loadedNobleModules()).toEqual([]);
  });

  it('an Ed25519 key loads the Ed25519 curve only (its key check, RFC 8080 §3, has no native path)', async () => {
    const { c, noble } = await fresh();
    const [alg, key, sig] = ED25519;
    expect(c.verifySignature(alg, key, data, sig)).toBe('valid');
    expect(noble.loadedNobleModules()).toEqual(['ed25519']);
  });

  it('the pure backend loads what each algorithm needs, and verifies', async () => {
    const { c, noble } = await fresh();
    expect(pure(c, P256)).toBe('valid');
    expect(noble.loadedNobleModules()).toEqual(['nist']);
    expect(pure(c, RSA)).toBe('valid');
    expect(noble.loadedNobleModules()).toEqual(['nist', 'modular', 'sha2']);
    c.setDefaultBackend('noble');
    expect(c.dsDigest(1, data)).toEqual(new Uint8Array(crypto.createHash('sha1').update(data).digest()));
    expect(noble.loadedNobleModules()).toContain('legacy');
    c.setDefaultBackend('auto');
  });

  it('pureCryptoReady is undefined where require exists (nothing to wait for)', async () => {
    const { c } = await fresh();
    expect(c.pureCryptoReady()).toBeUndefined();
  });
});

describe('a runtime without require (browser bundle): asynchronous loading', () => {
  /** process.getBuiltinModule without node:module, as in a runtime that has no require. */
  function withoutRequire(): void {
    const original = process.getBuiltinModule.bind(process);
    vi.spyOn(process, 'getBuiltinModule').mockImplementation(((id: string) =>
      id === 'node:module' || id === 'module' ? undefined : original(id)) as typeof process.getBuiltinModule);
  }

  it('before pureCryptoReady settles a pure verification fails closed (invalid, never valid); after, it verifies', async () => {
    withoutRequire();
    const { c, noble } = await fresh();
    expect(pure(c, P256)).toBe('invalid');
    const ready = c.pureCryptoReady();
    expect(ready).toBeInstanceOf(Promise);
    await ready;
    expect(noble.loadedNobleModules()).toEqual(['nist', 'ed25519', 'ed448', 'modular', 'sha2', 'legacy']);
    c.clearKeyCache();
    expect(pure(c, P256)).toBe('valid');
    expect(pure(c, RSA)).toBe('valid');
    expect(pure(c, ED25519)).toBe('valid');
  });

  it('the Validator waits for the pure backend before it verifies: a secure fixture stays secure', async () => {
    withoutRequire();
    vi.resetModules();
    const { createValidator } = await import('../../src/validator/validator.js');
    const { FixtureSource, fixtureAnchors, readFixture } = await import('../../src/fixtures/fixture.js');
    const noble = await import('../../src/crypto/_noble.js');
    const file = fileURLToPath(new URL('../../fixtures/lab/mail-tlsa.json', import.meta.url));
    const fixture = readFixture(file);
    const validator = createValidator({
      source: new FixtureSource(fixture, file),
      trustAnchors: fixtureAnchors(fixture, file),
      clock: () => fixture.time,
      crypto: { backend: 'noble' },
    });
    const result = await validator.validate(fixture.question!.name, fixture.question!.type);
    expect(fixture.expected?.status).toBe('secure');
    expect(result.status).toBe('secure');
    expect(noble.loadedNobleModules().length).toBeGreaterThan(0);
  });
});
