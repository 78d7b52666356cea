/**
 * Second adversarial review: NSEC3 proofs (RFC 5155 §8, §9.2; RFC 6840 §4.1)
 * on crafted chains. The proofs take records whose RRSIGs the caller has
 * verified; here the records are built directly, hashed with the real
 * RFC 5155 §5 hash, so every case is a chain a signer could have produced.
 * All blocks guard attacks that are defended on the reviewed code.
 *
 * The zone "example.":
 *   example.        SOA NS DNSKEY NSEC3PARAM
 *   a.example.      A
 *   deleg.example.  NS            (a delegation, no DS)
 *   dn.example.     DNAME
 */
import { describe, expect, it } from 'vitest';
import { proveNoDs, proveNodata, proveNxdomain, type DenialRecord } from '../../src/dnssec/denial.js';
import { nsec3Hash } from '../../src/crypto/index.js';
import { base32hexEncode } from '../../src/wire/base32hex.js';
import { nameToCanonicalWire } from '../../src/wire/name.js';
import { rdataFromText } from '../../src/wire/presentation.js';
import { RRType } from '../../src/wire/rrtype.js';
import { EDE } from '../../src/types.js';
import { n } from '../support/vectors.js';

const ZONE = n('example.');
const NAMES: ReadonlyArray<[name: string, types: string]> = [
  ['example.', 'SOA NS DNSKEY NSEC3PARAM RRSIG'],
  ['a.example.', 'A RRSIG'],
  ['deleg.example.', 'NS'],
  ['dn.example.', 'DNAME RRSIG'],
];

function saltBytes(salt: string): Uint8Array {
  return salt === '-' ? new Uint8Array(0) : Uint8Array.from(salt.match(/../g)!.map((h) => parseInt(h, 16)));
}

function hashOf(name: string, salt = '-', iterations = 0): Uint8Array {
  return nsec3Hash(nameToCanonicalWire(n(name)), saltBytes(salt), iterations);
}

function cmp(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

interface Built {
  readonly records: DenialRecord[];
  /** The existing name whose NSEC3 covers (or matches) `name`'s hash. */
  readonly coverOf: (name: string) => string;
}

/** The NSEC3 chain of NAMES; `optOut` names get the Opt-Out flag. */
function build(opts: { salt?: string; iterations?: number; optOut?: (owner: string) => boolean; zoneSuffix?: string } = {}): Built {
  const salt = opts.salt ?? '-';
  const iterations = opts.iterations ?? 0;
  const hashed = NAMES.map(([name, types]) => ({ name, types, h: hashOf(name, salt, iterations) })).sort((x, y) => cmp(x.h, y.h));
  const records = hashed.map((r, i) => {
    const next = hashed[(i + 1) % hashed.length]!.h;
    const flags = opts.optOut?.(r.name) ? 1 : 0;
    return {
      owner: n(`${base32hexEncode(r.h).toLowerCase()}.${opts.zoneSuffix ?? 'example.'}`),
      rdata: rdataFromText(RRType.NSEC3, `1 ${flags} ${iterations} ${salt} ${base32hexEncode(next)} ${r.types}`),
    };
  });
  const coverOf = (name: string): string => {
    const h = hashOf(name, salt, iterations);
    let best = hashed[hashed.length - 1]!; // wraps: before the first hash, the last record covers
    for (const r of hashed) if (cmp(r.h, h) <= 0) best = r;
    return best.name;
  };
  return { records, coverOf };
}

const input = (nsec3: DenialRecord[]) => ({ zone: ZONE, nsec: [], nsec3 });

describe('NSEC3 chain of example. (sanity)', () => {
  it('NXDOMAIN for nx.example.: proven (closest encloser example., next closer and *.example. covered)', () => {
    expect(proveNxdomain(n('nx.example.'), input(build().records))).toMatchObject({ result: 'proven', via: 'nsec3' });
  });
  it('NODATA for a.example. TXT: proven by the matching NSEC3', () => {
    expect(proveNodata(n('a.example.'), RRType.TXT, input(build().records))).toMatchObject({ result: 'proven' });
  });
});

describe('closest encloser proofs that must not hold (RFC 5155 §8.3, RFC 6840 §4.1)', () => {
  it('NXDOMAIN for x.deleg.example.: the "closest encloser" is a delegation (NS, no SOA) → failed', () => {
    const o = proveNxdomain(n('x.deleg.example.'), input(build().records));
    expect(o).toMatchObject({ result: 'failed', ede: EDE.DNSSEC_BOGUS });
  });
  it('NODATA for x.deleg.example. A, same chain → failed (the parent cannot deny names in the child)', () => {
    expect(proveNodata(n('x.deleg.example.'), RRType.A, input(build().records)).result).toBe('failed');
  });
  it('NXDOMAIN for x.dn.example.: the closest encloser owns a DNAME → failed', () => {
    expect(proveNxdomain(n('x.dn.example.'), input(build().records))).toMatchObject({ result: 'failed', ede: EDE.DNSSEC_BOGUS });
  });
  it('NXDOMAIN for a.example.: an NSEC3 matches the name (it exists) → failed', () => {
    expect(proveNxdomain(n('a.example.'), input(build().records))).toMatchObject({ result: 'failed', ede: EDE.DNSSEC_BOGUS });
  });
  it('NODATA for deleg.example. A from the delegation NSEC3 → failed; DS absence there → proven (insecure delegation)', () => {
    const b = build();
    expect(proveNodata(n('deleg.example.'), RRType.A, input(b.records)).result).toBe('failed');
    const ds = proveNoDs(n('deleg.example.'), input(b.records));
    expect(ds).toMatchObject({ result: 'proven' });
    expect(ds).not.toHaveProperty('noDelegation');
  });
  it('DS absence at the apex example. from its own NSEC3 (SOA set) → failed (RFC 5155 §8.6 is the parent\'s)', () => {
    expect(proveNodata(n('example.'), RRType.DS, input(build().records)).result).toBe('failed');
  });
});

describe('Opt-Out: the NSEC3 covering the NEXT CLOSER name decides (RFC 5155 §9.2)', () => {
  // Choose a non-existent name whose next-closer cover differs from the
  // cover of *.example. and from the closest encloser's own record.
  const candidates = Array.from({ length: 40 }, (_, i) => `nx${i}.example.`);
  const b0 = build();
  const q = candidates.find((c) => b0.coverOf(c) !== b0.coverOf('*.example.') && b0.coverOf(c) !== 'example.');
  it('a usable name exists among the candidates', () => {
    expect(q).toBeDefined();
  });
  it('Opt-Out on every record except the one covering the next closer: NXDOMAIN proven (secure)', () => {
    const cover = b0.coverOf(q!);
    const b = build({ optOut: (owner) => owner !== cover });
    expect(proveNxdomain(n(q!), input(b.records))).toMatchObject({ result: 'proven' });
  });
  it('Opt-Out only on the record covering the next closer: insecure, never proven', () => {
    const cover = b0.coverOf(q!);
    const b = build({ optOut: (owner) => owner === cover });
    expect(proveNxdomain(n(q!), input(b.records))).toMatchObject({ result: 'insecure', why: 'opt-out' });
  });
  it('NODATA (A) for a name without a matching NSEC3, in an Opt-Out span: insecure (Errata 3441), never proven', () => {
    const cover = b0.coverOf(q!);
    const b = build({ optOut: (owner) => owner === cover });
    expect(proveNodata(n(q!), RRType.A, input(b.records)).result).toBe('insecure');
  });
  it('the same NODATA without Opt-Out: failed', () => {
    expect(proveNodata(n(q!), RRType.A, input(build().records)).result).toBe('failed');
  });
});

describe('records that cannot take part (RFC 5155 §8.1, §8.2)', () => {
  it('records of two chains (different salts) mixed in one proof → failed', () => {
    const mixed = [...build().records.slice(0, 2), ...build({ salt: 'aabbccdd' }).records.slice(2)];
    expect(proveNxdomain(n('nx.example.'), input(mixed))).toMatchObject({ result: 'failed', ede: EDE.DNSSEC_BOGUS });
  });
  it('records of two chains (different iterations) mixed in one proof → failed', () => {
    const mixed = [...build().records.slice(0, 2), ...build({ iterations: 5 }).records.slice(2)];
    expect(proveNxdomain(n('nx.example.'), input(mixed)).result).toBe('failed');
  });
  it('a chain whose owners lie in another zone (other.) offered for example. → failed, EDE 12', () => {
    expect(proveNxdomain(n('nx.example.'), input(build({ zoneSuffix: 'other.' }).records))).toMatchObject({ result: 'failed', ede: EDE.NSEC_MISSING });
  });
  it('the chain hashed for example. with a salt, offered with a different salt in the RDATA → the hashes do not match: never proven', () => {
    // The owner hashes are H(name, salt "-"), the RDATA claims salt aabbccdd:
    // the validator hashes with the RDATA's salt and must find no match.
    const b = build();
    const lying = b.records.map((r) => ({ ...r, rdata: rdataFromText(RRType.NSEC3, textWithSalt(r.rdata, 'aabbccdd')) }));
    expect(proveNodata(n('a.example.'), RRType.TXT, input(lying)).result).not.toBe('proven');
  });
});

/** NSEC3 RDATA text with the same flags and next hash, another salt (type list "A RRSIG"). */
function textWithSalt(rdata: Uint8Array, salt: string): string {
  const flags = rdata[1]!;
  const nextLen = rdata[5]!;
  const next = rdata.subarray(6, 6 + nextLen);
  return `1 ${flags} 0 ${salt} ${base32hexEncode(next)} A RRSIG`;
}
