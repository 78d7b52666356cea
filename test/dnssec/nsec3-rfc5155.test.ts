// NSEC3 denial proofs (RFC 5155 §8.1-§8.9, §9.2; RFC 9276 §3.2), checked
// against the RFC 5155 Appendix A zone and Appendix B responses in
// test/data/vectors/rfc, plus variants of the same records (flags, iterations,
// records removed). The proofs do not look at signatures, so changed RDATA
// stands for "a zone signed this instead".
import { readShared } from '../support/record-pool.js';
import { describe, expect, it } from 'vitest';
import { parseZoneText, rdataFromText } from '../../src/wire/presentation.js';
import { type Name, nameFromText, nameKey, nameToCanonicalWire } from '../../src/wire/name.js';
import { RRType } from '../../src/wire/rrtype.js';
import { EDE } from '../../src/types.js';
import { nsec3Hash } from '../../src/crypto/index.js';
import { MAX_NSEC3_HASHES_PER_PROOF, MAX_NSEC3_ITERATIONS, MAX_NSEC3_RECORDS_PER_RESPONSE } from '../../src/dnssec/limits.js';
import { base32hexDecode, base32hexEncode } from '../../src/wire/base32hex.js';
import {
  type DenialInput,
  type DenialOutcome,
  type DenialRecord,
  proveNodata,
  proveNoDs,
  proveNxdomain,
  proveWildcardAnswer,
} from '../../src/dnssec/denial.js';
import { prepareNsec3Chain } from '../../src/dnssec/nsec3.js';

/** A vector under test/data/vectors/rfc (a clear error when it is absent). */
function vectorText(file: string): string {
  return readShared(`vectors/rfc/${file}`);
}

/** The NSEC3 records of a vector file (any section). */
function nsec3sOf(file: string): DenialRecord[] {
  return parseZoneText(vectorText(file), { fileName: file })
    .filter((rr) => rr.type === RRType.NSEC3)
    .map((rr) => ({ owner: rr.name, rdata: rr.rdata }));
}

const n = (text: string): Name => nameFromText(text);
const EXAMPLE = n('example.');
const SALT = Uint8Array.of(0xaa, 0xbb, 0xcc, 0xdd);

function input(records: DenialRecord[], zone: Name = EXAMPLE): DenialInput {
  return { zone, nsec: [], nsec3: records };
}

function hashLabel(name: string, iterations = 12): string {
  return base32hexEncode(nsec3Hash(nameToCanonicalWire(n(name)), SALT, iterations));
}

/** A copy of an NSEC3 record with RDATA bytes changed. */
function patched(r: DenialRecord, patch: (rdata: Uint8Array) => void): DenialRecord {
  const rdata = r.rdata.slice();
  patch(rdata);
  return { owner: r.owner, rdata };
}
const withFlags = (r: DenialRecord, flags: number) => patched(r, (d) => (d[1] = flags));
const withIterations = (r: DenialRecord, it: number) =>
  patched(r, (d) => {
    d[2] = it >> 8;
    d[3] = it & 0xff;
  });
const withAlgorithm = (r: DenialRecord, alg: number) => patched(r, (d) => (d[0] = alg));
const noOptOut = (rs: DenialRecord[]) => rs.map((r) => withFlags(r, 0));

/** A counting wrapper around the real hash, to observe the work a proof does. */
function countingHash(): { hash: typeof nsec3Hash; count: () => number } {
  let calls = 0;
  return {
    hash: (w, s, i) => {
      calls++;
      return nsec3Hash(w, s, i);
    },
    count: () => calls,
  };
}

function expectFailed(o: DenialOutcome, ede: number, text?: RegExp): void {
  expect(o.result, JSON.stringify(o)).toBe('failed');
  if (o.result !== 'failed') return;
  expect(o.ede).toBe(ede);
  if (text) expect(o.text).toMatch(text);
}

function expectProven(o: DenialOutcome): void {
  expect(o, JSON.stringify(o)).toMatchObject({ result: 'proven', via: 'nsec3' });
}

function expectOptOutInsecure(o: DenialOutcome): void {
  expect(o, JSON.stringify(o)).toMatchObject({ result: 'insecure', via: 'nsec3', why: 'opt-out' });
}

/** For a proof that holds with `records`, removing any one record must make it fail. */
function expectEveryRecordNeeded(records: DenialRecord[], prove: (rs: DenialRecord[]) => DenialOutcome): void {
  for (let i = 0; i < records.length; i++) {
    const rest = records.filter((_, j) => j !== i);
    expect(prove(rest).result, `without record ${i}`).toBe('failed');
  }
}

describe('RFC 5155 Appendix A: hashes and the chain', () => {
  it('H(name) matches the RFC hash vectors, base32hex encoded', () => {
    const text = vectorText('rfc5155-A-signed-zone.zone');
    const vectors = [...text.matchAll(/^; H\((\S+)\)\s+= ([0-9a-v]{32})$/gm)];
    expect(vectors.length).toBeGreaterThanOrEqual(10);
    for (const [, name, hash] of vectors) expect(hashLabel(`${name}.`)).toBe(hash);
  });

  it('base32hex round-trips and refuses non-canonical or foreign text', () => {
    const h = base32hexDecode('0P9MHAVEQVM6T7VBL5LOP2U3T2RP3TOM');
    expect(h?.length).toBe(20);
    expect(base32hexEncode(h!)).toBe('0p9mhaveqvm6t7vbl5lop2u3t2rp3tom');
    expect(base32hexDecode('0p9mhaveqvm6t7vbl5lop2u3t2rp3tow')).toBeUndefined(); // w is not base32hex
    expect(base32hexDecode('0p9')).toBeUndefined(); // no byte count gives 3 characters
    expect(base32hexDecode('01')).toBeUndefined(); // trailing bits not zero
    expect(base32hexDecode('00')).toEqual(Uint8Array.of(0));
  });
});

describe('"covers" on the hash ring (RFC 5155 §1.3, §3.1.7)', () => {
  // Two records splitting the ring at 0x40.. and 0xc0..; a stand-in hash maps
  // each test name to a chosen value.
  const h = (first: number) => Uint8Array.from({ length: 20 }, (_, i) => (i === 0 ? first : 0));
  const rec = (owner: number, next: number): DenialRecord => ({
    owner: [base32hexEncode(h(owner)), ...EXAMPLE],
    rdata: rdataFromText(RRType.NSEC3, `1 0 0 - ${base32hexEncode(h(next))} A`),
  });
  const values: Record<string, number> = { 'low.example.': 0x10, 'mid.example.': 0x80, 'high.example.': 0xf0, 'at.example.': 0x40 };
  const fakeHash = (wire: Uint8Array) => {
    const name = Object.keys(values).find((k) => nameToCanonicalWire(n(k)).join() === wire.join());
    return h(name ? values[name]! : 0);
  };

  it('a record covers hashes strictly between owner and next; the last one wraps past the end of the ring', () => {
    const prepared = prepareNsec3Chain([rec(0x40, 0xc0), rec(0xc0, 0x40)], EXAMPLE, fakeHash);
    expect(prepared.ok).toBe(true);
    if (!prepared.ok) return;
    const chain = prepared.chain;
    const ownerOf = (name: string) => chain.cover(n(name))?.ownerHash[0];
    expect(ownerOf('mid.example.')).toBe(0x40);
    expect(ownerOf('high.example.')).toBe(0xc0);
    expect(ownerOf('low.example.')).toBe(0xc0);
    expect(chain.cover(n('at.example.'))).toBeUndefined();
    expect(chain.match(n('at.example.'))?.ownerHash[0]).toBe(0x40);
  });
});

describe('RFC 5155 B.1 name error (§8.4, §9.2)', () => {
  const b1 = () => nsec3sOf('rfc5155-B1-name-error.txt');
  const q = n('a.c.x.w.example.');

  it('proves the closest encloser x.w.example., but the next closer span is Opt-Out: insecure', () => {
    const o = proveNxdomain(q, input(b1()));
    expectOptOutInsecure(o);
    expect(o.result === 'insecure' && o.detail).toMatch(/closest encloser x\.w\.example/);
  });

  it('without Opt-Out the same records prove the name error', () => {
    expectProven(proveNxdomain(q, input(noOptOut(b1()))));
  });

  it('fails when any of the three records is removed', () => {
    expectEveryRecordNeeded(noOptOut(b1()), (rs) => proveNxdomain(q, input(rs)));
  });

  it('fails for a name that exists (ns1.example. is matched)', () => {
    const zone = nsec3sOf('rfc5155-A-signed-zone.zone');
    expectFailed(proveNxdomain(n('ns1.example.'), input(zone)), EDE.DNSSEC_BOGUS, /exists/);
  });

  it('fails when the wildcard at the closest encloser exists (*.w.example.)', () => {
    const zone = noOptOut(nsec3sOf('rfc5155-A-signed-zone.zone'));
    expectFailed(proveNxdomain(n('q.w.example.'), input(zone)), EDE.DNSSEC_BOGUS, /wildcard \*\.w\.example\. exists|\*\.w\.example.*exists/);
  });

  it('fails when the closest encloser is a delegation (names below a.example. belong to the child)', () => {
    const zone = noOptOut(nsec3sOf('rfc5155-A-signed-zone.zone'));
    expectFailed(proveNxdomain(n('x.a.example.'), input(zone)), EDE.DNSSEC_BOGUS, /delegation/);
  });

  it('fails when the closest encloser has DNAME', () => {
    const zone = noOptOut(nsec3sOf('rfc5155-A-signed-zone.zone'));
    const xw = `${hashLabel('x.w.example.')}.example.`;
    const dname = zone.map((r) =>
      nameKey(r.owner) === nameKey(n(xw)) ? { owner: r.owner, rdata: rdataFromText(RRType.NSEC3, '1 0 12 aabbccdd gjeqe526plbf1g8mklp59enfd789njgi MX DNAME RRSIG') } : r,
    );
    expectFailed(proveNxdomain(n('a.c.x.w.example.'), input(dname)), EDE.DNSSEC_BOGUS, /DNAME/);
  });
});

describe('RFC 5155 B.2 / B.2.1 no data (§8.5, §7.2.4)', () => {
  it('B.2: the NSEC3 matching ns1.example. has no MX', () => {
    expectProven(proveNodata(n('ns1.example.'), RRType.MX, input(nsec3sOf('rfc5155-B2-no-data.txt'))));
  });

  it('B.2: fails for a type or CNAME in the matching bitmap', () => {
    const b2 = nsec3sOf('rfc5155-B2-no-data.txt');
    expectFailed(proveNodata(n('ns1.example.'), RRType.A, input(b2)), EDE.DNSSEC_BOGUS, /queried type/);
    const cname = b2.map((r) => ({ owner: r.owner, rdata: rdataFromText(RRType.NSEC3, '1 1 12 aabbccdd 2vptu5timamqttgl4luu9kg21e0aor3s CNAME RRSIG') }));
    expectFailed(proveNodata(n('ns1.example.'), RRType.MX, input(cname)), EDE.DNSSEC_BOGUS, /CNAME/);
  });

  it('B.2.1: the empty non-terminal y.w.example. has its own NSEC3 with an empty bitmap', () => {
    expectProven(proveNodata(n('y.w.example.'), RRType.A, input(nsec3sOf('rfc5155-B21-no-data-ent.txt'))));
  });

  it('fails without a matching NSEC3, a wildcard or an Opt-Out span', () => {
    const zone = noOptOut(nsec3sOf('rfc5155-A-signed-zone.zone'));
    // mc.c.example. does not exist, no wildcard *.example., next closer c.example. covered without Opt-Out.
    expectFailed(proveNodata(n('mc.c.example.'), RRType.A, input(zone)), EDE.NSEC_MISSING, /Opt-Out/);
    expectFailed(proveNodata(n('ns1.example.'), RRType.MX, input([])), EDE.NSEC_MISSING);
  });

  it('an empty non-terminal above an Opt-Out delegation (Errata 3441): insecure', () => {
    const zone = nsec3sOf('rfc5155-A-signed-zone.zone');
    expectOptOutInsecure(proveNodata(n('mc.c.example.'), RRType.A, input(zone)));
  });

  it('RFC 6840 §4.1: the NSEC3 of a delegation cannot deny types at the child', () => {
    const zone = nsec3sOf('rfc5155-A-signed-zone.zone');
    expectFailed(proveNodata(n('a.example.'), RRType.A, input(zone)), EDE.DNSSEC_BOGUS, /delegation/);
  });
});

describe('RFC 5155 B.3 referral to an Opt-Out unsigned zone (§8.9, §8.6)', () => {
  const b3 = () => nsec3sOf('rfc5155-B3-referral-optout-unsigned.txt');

  it('proves no DS at c.example. through the Opt-Out span: proven, optOut', () => {
    const o = proveNoDs(n('c.example.'), input(b3()));
    expect(o, JSON.stringify(o)).toMatchObject({ result: 'proven', via: 'nsec3', optOut: true });
    expect(o).not.toHaveProperty('noDelegation');
  });

  it('a DS NODATA answer through the same span is insecure (§9.2)', () => {
    expectOptOutInsecure(proveNodata(n('c.example.'), RRType.DS, input(b3())));
  });

  it('without Opt-Out the same records prove nothing about DS', () => {
    expectFailed(proveNoDs(n('c.example.'), input(noOptOut(b3()))), EDE.NSEC_MISSING, /Opt-Out/);
  });

  it('fails when either record is removed', () => {
    expectEveryRecordNeeded(b3(), (rs) => proveNoDs(n('c.example.'), input(rs)));
  });

  it('a matching NSEC3 with NS and without DS/SOA proves an insecure delegation', () => {
    const label = hashLabel('d.example.');
    const rec = { owner: n(`${label}.example.`), rdata: rdataFromText(RRType.NSEC3, '1 0 12 aabbccdd 0p9mhaveqvm6t7vbl5lop2u3t2rp3tom NS') };
    const o = proveNoDs(n('d.example.'), input([rec]));
    expectProven(o);
    expect(o).not.toHaveProperty('optOut');
    expect(o).not.toHaveProperty('noDelegation');
  });

  it('a.example. has DS; ns1.example. and the empty non-terminal y.w.example. are not zone cuts', () => {
    const zone = nsec3sOf('rfc5155-A-signed-zone.zone');
    expectFailed(proveNoDs(n('a.example.'), input(zone)), EDE.DNSSEC_BOGUS, /lists DS/);
    expect(proveNoDs(n('ns1.example.'), input(zone))).toMatchObject({ result: 'proven', noDelegation: true });
    expect(proveNoDs(n('y.w.example.'), input(zone))).toMatchObject({ result: 'proven', noDelegation: true });
  });

  it('a name under a wildcard without DS is not a zone cut', () => {
    const zone = noOptOut(nsec3sOf('rfc5155-A-signed-zone.zone'));
    expect(proveNoDs(n('a.z.w.example.'), input(zone))).toMatchObject({ result: 'proven', noDelegation: true });
  });
});

describe('RFC 5155 B.6 DS child zone no data (§8.6, RFC 6840 §4.4)', () => {
  it('the child apex NSEC3 (SOA set) answering DS is not a proof', () => {
    const b6 = nsec3sOf('rfc5155-B6-ds-child-nodata.txt');
    expectFailed(proveNodata(n('example.'), RRType.DS, input(b6)), EDE.DNSSEC_BOGUS, /SOA/);
    expectFailed(proveNoDs(n('example.'), input(b6)), EDE.DNSSEC_BOGUS, /zone above/);
  });

  it('a child apex NSEC3 offered by the parent for the child is refused', () => {
    const label = hashLabel('d.example.');
    const rec = {
      owner: n(`${label}.example.`),
      rdata: rdataFromText(RRType.NSEC3, '1 0 12 aabbccdd 0p9mhaveqvm6t7vbl5lop2u3t2rp3tom NS SOA RRSIG DNSKEY NSEC3PARAM'),
    };
    expectFailed(proveNoDs(n('d.example.'), input([rec])), EDE.DNSSEC_BOGUS, /SOA/);
  });
});

describe('RFC 5155 B.4 wildcard expansion (§8.8, §9.2)', () => {
  const b4 = () => nsec3sOf('rfc5155-B4-wildcard-expansion.txt');
  const q = n('a.z.w.example.');

  it('the next closer z.w.example. is covered, but by an Opt-Out NSEC3: insecure', () => {
    expectOptOutInsecure(proveWildcardAnswer(q, 2, input(b4())));
  });

  it('without Opt-Out it is proven; without the covering record it fails', () => {
    expectProven(proveWildcardAnswer(q, 2, input(noOptOut(b4()))));
    expectFailed(proveWildcardAnswer(q, 2, input([])), EDE.NSEC_MISSING);
    // With labels 1 the next closer would be w.example., which exists: not covered.
    expectFailed(proveWildcardAnswer(q, 1, input(noOptOut(nsec3sOf('rfc5155-A-signed-zone.zone')))), EDE.NSEC_MISSING, /w\.example/);
    expectFailed(proveWildcardAnswer(q, 4, input(b4())), EDE.DNSSEC_BOGUS, /labels/);
  });
});

describe('RFC 5155 B.5 wildcard no data (§8.7, §9.2)', () => {
  const b5 = () => nsec3sOf('rfc5155-B5-wildcard-no-data.txt');
  const q = n('a.z.w.example.');

  it('*.w.example. has no AAAA, but the next closer span is Opt-Out: insecure', () => {
    expectOptOutInsecure(proveNodata(q, RRType.AAAA, input(b5())));
  });

  it('without Opt-Out it is proven; the wildcard with the type fails; each record is needed', () => {
    expectProven(proveNodata(q, RRType.AAAA, input(noOptOut(b5()))));
    expectFailed(proveNodata(q, RRType.MX, input(noOptOut(b5()))), EDE.DNSSEC_BOGUS, /queried type/);
    expectEveryRecordNeeded(noOptOut(b5()), (rs) => proveNodata(q, RRType.AAAA, input(rs)));
  });
});

describe('record selection and limits (§8.1, §8.2, RFC 9276 §3.2, CVE-2023-50868)', () => {
  const b2 = () => nsec3sOf('rfc5155-B2-no-data.txt');
  const proveB2 = (rs: DenialRecord[], hash?: typeof nsec3Hash) =>
    proveNodata(n('ns1.example.'), RRType.MX, input(rs), hash);

  it(`iterations above ${MAX_NSEC3_ITERATIONS}: insecure with EDE 27, before any hash is computed`, () => {
    const counter = countingHash();
    const o = proveB2(b2().map((r) => withIterations(r, MAX_NSEC3_ITERATIONS + 1)), counter.hash);
    expect(o).toMatchObject({ result: 'insecure', via: 'nsec3', why: 'iterations', ede: EDE.UNSUPPORTED_NSEC3_ITERATIONS });
    expect(counter.count()).toBe(0);
    // At the limit itself the proof is attempted (and, with changed iterations, no hash matches).
    const atLimit = countingHash();
    expect(proveB2(b2().map((r) => withIterations(r, MAX_NSEC3_ITERATIONS)), atLimit.hash).result).toBe('failed');
    expect(atLimit.count()).toBeGreaterThan(0);
  });

  it('a proof that needs more hashes than the budget fails', () => {
    const labels = Array.from({ length: MAX_NSEC3_HASHES_PER_PROOF + 8 }, (_, i) => `l${i}`).join('.');
    const counter = countingHash();
    const o = proveNxdomain(n(`${labels}.example.`), input(nsec3sOf('rfc5155-B1-name-error.txt')), counter.hash);
    expectFailed(o, EDE.DNSSEC_BOGUS, /hash computations/);
    expect(counter.count()).toBe(MAX_NSEC3_HASHES_PER_PROOF);
  });

  it('hashes are cached within a proof: B.1 needs one per distinct name', () => {
    const counter = countingHash();
    proveNxdomain(n('a.c.x.w.example.'), input(nsec3sOf('rfc5155-B1-name-error.txt')), counter.hash);
    // a.c.x.w.example, c.x.w.example, x.w.example (candidates), *.x.w.example (wildcard).
    expect(counter.count()).toBe(4);
  });

  it(`more than ${MAX_NSEC3_RECORDS_PER_RESPONSE} records fail`, () => {
    const many = Array.from({ length: MAX_NSEC3_RECORDS_PER_RESPONSE + 1 }, () => b2()[0]!);
    expectFailed(proveB2(many), EDE.DNSSEC_BOGUS, /exceed/);
  });

  it('ignores records with an unknown hash algorithm or flags other than 0/1: alone they prove nothing', () => {
    expectFailed(proveB2(b2().map((r) => withAlgorithm(r, 2))), EDE.NSEC_MISSING, /no usable/);
    expectFailed(proveB2(b2().map((r) => withFlags(r, 0x03))), EDE.NSEC_MISSING, /no usable/);
    // An ignored extra record does not disturb a proof (nor its iteration count).
    expectProven(proveB2([...b2(), withIterations(withAlgorithm(b2()[0]!, 2), 5000)]));
  });

  it('ignores a record whose owner is not one hash label above the zone', () => {
    const deeper = b2().map((r) => ({ owner: [r.owner[0]!, 'sub', ...EXAMPLE], rdata: r.rdata }));
    expectFailed(proveB2(deeper), EDE.NSEC_MISSING, /no usable/);
    const notHash = b2().map((r) => ({ owner: n('not-a-hash.example.'), rdata: r.rdata }));
    expectFailed(proveB2(notHash), EDE.NSEC_MISSING, /no usable/);
    expectFailed(proveNodata(n('ns1.example.'), RRType.MX, input(b2(), n('other.'))), EDE.NSEC_MISSING, /no usable/);
  });

  it('fails when the records disagree on salt or iterations', () => {
    const zone = nsec3sOf('rfc5155-A-signed-zone.zone');
    expectFailed(proveB2([...zone.slice(0, 2), withIterations(zone[2]!, 11)]), EDE.DNSSEC_BOGUS, /disagree/);
  });

  it('fails for a query name outside the zone', () => {
    expectFailed(proveNxdomain(n('a.other.'), input(b2())), EDE.DNSSEC_BOGUS, /not in zone/);
  });
});
