/**
 * A runtime with neither node:crypto nor Buffer (a browser bundle, README
 * "Runtime dependencies": the pure backend, loaded by pureCryptoReady), simulated
 * by mocking the module that loads node:crypto and removing the global Buffer
 * while the question is validated. The per-question signature memo
 * (src/dnssec/verified.ts, RFC 4035 §5.3.3) made its keys with Buffer: every
 * validation there rejected with "TypeError: Cannot read properties of
 * undefined (reading 'from')" instead of giving its verdict.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FixtureSource, fixtureAnchors, readFixture } from '../../src/fixtures/fixture.js';
import { createValidator } from '../../src/validator/validator.js';
import { VerifiedSignatures } from '../../src/dnssec/verified.js';

vi.mock('../../src/crypto/_node.js', () => ({ nodeCrypto: undefined }));

const FIXTURE = join(import.meta.dirname, '..', '..', 'fixtures', 'lab', 'mail-tlsa.json');

afterEach(() => vi.unstubAllGlobals());

describe('the signature memo without node:crypto and without Buffer', () => {
  it('a lab fixture (mail-tlsa.json) validates secure, as it did before the memo', async () => {
    const fixture = readFixture(FIXTURE);
    const v = createValidator({ source: new FixtureSource(fixture), trustAnchors: fixtureAnchors(fixture), clock: () => fixture.time });
    vi.stubGlobal('Buffer', undefined);
    const result = await v.validate(fixture.question!.name, fixture.question!.type).catch((e: unknown) => String(e));
    vi.unstubAllGlobals();
    expect(result).toMatchObject({ status: 'secure' });
  });

  it('the memo itself needs no Buffer: empty, odd-length and 512-octet signatures are verified, and asked again', () => {
    vi.stubGlobal('Buffer', undefined);
    const memo = new VerifiedSignatures();
    const key = new Uint8Array(64).fill(7);
    const data = new Uint8Array(10);
    const sigs = [new Uint8Array(0), Uint8Array.of(0), Uint8Array.of(0, 0, 0), Uint8Array.from({ length: 512 }, (_, i) => i & 0xff)];
    // The key is no P-256 point: 'bad-key' each time (before: a TypeError from Buffer.from).
    const first = sigs.map((s) => memo.verify(13, key, data, s));
    const again = sigs.map((s) => memo.verify(13, key, data, s));
    vi.unstubAllGlobals();
    expect(first).toEqual(sigs.map(() => 'bad-key'));
    expect(again).toEqual(first);
  });
});
