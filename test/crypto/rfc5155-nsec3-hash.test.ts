/**
 * NSEC3 owner hash, RFC 5155 §5, against the RFC 5155 Appendix A hash list (salt and iterations from the zone's
 * NSEC3PARAM), on both hash backends.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { nsec3Hash, setDefaultBackend } from '../../src/crypto/index.js';
import { base32hex, canonicalName, hex, readRecords, readShared } from './_helpers.js';

const ZONE = 'vectors/rfc/rfc5155-A-signed-zone.zone';

function appendixA(): { salt: Uint8Array; iterations: number; hashes: Array<[string, string]> } {
  const text = readShared(ZONE);
  // "; H(name) = hash", the long one wrapped onto the next comment line.
  const hashes = [...text.replace(/\)\n;\s+=/g, ') =').matchAll(/^; H\(([^)]+)\)\s*=\s*([0-9a-v]{32})$/gm)].map(
    (m): [string, string] => [m[1]!, m[2]!],
  );
  const param = readRecords(text).find((r) => r.type === 'NSEC3PARAM');
  if (param === undefined) throw new Error(`${ZONE}: no NSEC3PARAM`);
  const [alg, , iterations, salt] = param.rdata;
  expect(alg).toBe('1');
  return { salt: hex(salt!), iterations: Number(iterations), hashes };
}

afterEach(() => setDefaultBackend('auto'));

describe.each(['auto', 'noble'] as const)('RFC 5155 Appendix A hashes (%s hash backend)', (backend) => {
  const { salt, iterations, hashes } = appendixA();

  it('the appendix lists 12 names, salt aabbccdd, 12 iterations', () => {
    expect(hashes.length).toBe(12);
    expect(hashes[0]).toEqual(['example', '0p9mhaveqvm6t7vbl5lop2u3t2rp3tom']);
    expect(iterations).toBe(12);
    expect(salt.length).toBe(4);
  });

  it.each(hashes)('H(%s) = %s', (name, expected) => {
    setDefaultBackend(backend);
    expect(base32hex(nsec3Hash(canonicalName(name + '.'), salt, iterations))).toBe(expected);
  });

  it('the owner must be in canonical (lower-case) form: upper case gives another hash', () => {
    setDefaultBackend(backend);
    const upper = new Uint8Array([7, ...Buffer.from('EXAMPLE'), 0]);
    expect(base32hex(nsec3Hash(upper, salt, iterations))).not.toBe('0p9mhaveqvm6t7vbl5lop2u3t2rp3tom');
  });
});

describe('iterations and salt', () => {
  const owner = canonicalName('example.');

  it('iterations k means k+1 SHA-1 computations: IH(k) = H(IH(k-1) || salt)', () => {
    const salt = hex('aabbccdd');
    const h0 = nsec3Hash(owner, salt, 0);
    // H(x || salt) with x = IH(0), computed as a 0-iteration hash of IH(0).
    expect(nsec3Hash(owner, salt, 1)).toEqual(nsec3Hash(h0, salt, 0));
    expect(nsec3Hash(owner, salt, 2)).toEqual(nsec3Hash(nsec3Hash(h0, salt, 0), salt, 0));
    expect(nsec3Hash(owner, salt, 1)).not.toEqual(h0);
  });

  it('both backends agree for salts of 0..255 octets and several iteration counts', () => {
    for (const saltLength of [0, 1, 8, 64, 255]) {
      const salt = new Uint8Array(saltLength).map((_, i) => (i * 37 + 11) & 0xff);
      for (const iterations of [0, 1, 2, 150, 500]) {
        setDefaultBackend('noble');
        const pure = nsec3Hash(owner, salt, iterations);
        setDefaultBackend('auto');
        expect(nsec3Hash(owner, salt, iterations)).toEqual(pure);
        expect(pure.length).toBe(20);
      }
    }
  });

  it.each([-1, 1.5, 65536, Number.NaN])('iterations %s is a RangeError (caller bug)', (iterations) => {
    expect(() => nsec3Hash(owner, new Uint8Array(0), iterations)).toThrow(RangeError);
  });

  it('a salt over 255 octets is a RangeError', () => {
    expect(() => nsec3Hash(owner, new Uint8Array(256), 0)).toThrow(RangeError);
  });
});
