// RFC 8198 aggressive use of validated NSEC/NSEC3 (src/validator/aggressive-cache.ts), over the records of the
// RFC 4035 Appendix A (NSEC) and RFC 5155 Appendix A (NSEC3) zones in test/data/vectors/rfc. The cache holds
// records the validator has already verified; these tests feed it the zones' records directly.
import { describe, expect, it } from 'vitest';
import { readShared } from '../support/record-pool.js';
import { parseZoneText, rdataFromText } from '../../src/wire/presentation.js';
import { type Name, nameFromText, nameToCanonicalWire, nameToText } from '../../src/wire/name.js';
import { base32hexEncode } from '../../src/wire/base32hex.js';
import { nsec3Hash } from '../../src/crypto/index.js';
import { RRType } from '../../src/wire/rrtype.js';
import type { RR } from '../../src/wire/message.js';
import type { DenialRecord } from '../../src/dnssec/denial.js';
import type { RRset } from '../../src/dnssec/rrsig.js';
import { MAX_AGGRESSIVE_NSEC3_HASH_WORK, MAX_NSEC3_ITERATIONS } from '../../src/dnssec/limits.js';
import { AggressiveCache } from '../../src/validator/aggressive-cache.js';

const n = (text: string): Name => nameFromText(text);
const EXAMPLE = n('example.');
const NOW = 1_000_000;
const TTL = 300;

function rrsOf(file: string): RR[] {
  return parseZoneText(readShared(`vectors/rfc/${file}`), { fileName: file });
}

function records(file: string, type: number): DenialRecord[] {
  return rrsOf(file)
    .filter((rr) => rr.type === type)
    .map((rr) => ({ owner: rr.name, rdata: rr.rdata }));
}

const nsecZone = () => records('rfc4035-A-signed-zone.zone', RRType.NSEC);
const nsec3Zone = () => records('rfc5155-A-signed-zone.zone', RRType.NSEC3);

function patched(r: DenialRecord, patch: (rdata: Uint8Array) => void): DenialRecord {
  const rdata = r.rdata.slice();
  patch(rdata);
  return { owner: r.owner, rdata };
}
/** The RFC 5155 example zone is signed with Opt-Out on every record; these copies have it off. */
const noOptOut = (rs: DenialRecord[]) => rs.map((r) => patched(r, (d) => (d[1] = 0)));
const withIterations = (rs: DenialRecord[], it: number) => rs.map((r) => patched(r, (d) => ((d[2] = it >> 8), (d[3] = it & 0xff))));

/** The positive RRset `type` at `owner` of a vector response, with its RRSIGs. */
function rrsetOf(file: string, owner: string, type: number): RRset {
  const all = rrsOf(file).filter((rr) => nameToText(rr.name) === owner);
  const rrs = all.filter((rr) => rr.type === type);
  const sigs = all.filter((rr) => rr.type === RRType.RRSIG && ((rr.rdata[0]! << 8) | rr.rdata[1]!) === type);
  return { name: n(owner), type, class: 1, ttl: rrs[0]!.ttl, rrs, sigs };
}

function nsecCache(): AggressiveCache {
  const c = new AggressiveCache();
  c.addDenial({ zone: EXAMPLE, nsec: nsecZone(), nsec3: [] }, TTL, NOW);
  return c;
}

describe('RFC 8198 §5.1: NXDOMAIN and NODATA synthesised from validated NSEC', () => {
  it('the NSECs of one NXDOMAIN response (RFC 4035 B.2) answer other names in the same spans', () => {
    const c = new AggressiveCache();
    c.addDenial({ zone: EXAMPLE, nsec: records('rfc4035-B2-name-error.txt', RRType.NSEC), nsec3: [] }, TTL, NOW);
    expect(c.lookup(n('ml.example.'), RRType.A, NOW)).toMatchObject({ kind: 'nxdomain', zone: EXAMPLE, ttl: TTL });
    expect(c.lookup(n('mz.example.'), RRType.MX, NOW + 10)).toMatchObject({ kind: 'nxdomain', ttl: TTL - 10 });
    // After ns1.example: no kept NSEC covers it.
    expect(c.lookup(n('zz.example.'), RRType.A, NOW)).toBeUndefined();
  });

  it('a name that exists without the type is NODATA; one with the type is left to upstream (RFC 4035 §5.4)', () => {
    const c = nsecCache();
    expect(c.lookup(n('ns1.example.'), RRType.MX, NOW)).toMatchObject({ kind: 'nodata' });
    expect(c.lookup(n('ns1.example.'), RRType.A, NOW)).toBeUndefined();
    expect(c.lookup(n('ns1.example.'), RRType.CNAME, NOW)).toMatchObject({ kind: 'nodata' });
  });

  it('an empty non-terminal is NODATA for every type (RFC 4592 §2.2.2)', () => {
    expect(nsecCache().lookup(n('y.w.example.'), RRType.TXT, NOW)).toMatchObject({ kind: 'nodata' });
  });

  it('names below a delegation are never denied by the parent (RFC 6840 §4.1 ancestor delegation)', () => {
    const c = nsecCache();
    expect(c.lookup(n('x.a.example.'), RRType.A, NOW)).toBeUndefined();
    expect(c.lookup(n('x.b.example.'), RRType.A, NOW)).toBeUndefined();
  });

  it('nothing is synthesised once the TTL ran out (RFC 8198 §5.4)', () => {
    const c = nsecCache();
    expect(c.lookup(n('mz.example.'), RRType.A, NOW + TTL - 1)).toBeDefined();
    expect(c.lookup(n('mz.example.'), RRType.A, NOW + TTL)).toBeUndefined();
  });

  it('DS and ANY are never synthesised (DS is the parent zone\'s to deny, RFC 6840 §4.4)', () => {
    const c = nsecCache();
    expect(c.lookup(n('mz.example.'), RRType.DS, NOW)).toBeUndefined();
    expect(c.lookup(n('mz.example.'), RRType.ANY, NOW)).toBeUndefined();
  });

  it('records with no lifetime are not kept', () => {
    const c = new AggressiveCache();
    c.addDenial({ zone: EXAMPLE, nsec: nsecZone(), nsec3: [] }, 0, NOW);
    expect(c.size).toBe(0);
    expect(c.lookup(n('mz.example.'), RRType.A, NOW)).toBeUndefined();
  });

  it('is bounded: the oldest records go first', () => {
    const c = new AggressiveCache(3);
    c.addDenial({ zone: EXAMPLE, nsec: nsecZone(), nsec3: [] }, TTL, NOW);
    expect(c.size).toBe(3);
    // The first NSECs of the file (apex, a.example) were dropped: nothing proves aa.example absent any more.
    expect(c.lookup(n('aa.example.'), RRType.A, NOW)).toBeUndefined();
  });
});

describe('RFC 8198 §5.3: wildcard answers from a kept wildcard RRset', () => {
  const expansion = () => rrsetOf('rfc4035-B6-wildcard-expansion.txt', 'a.z.w.example.', RRType.MX);

  it('expands *.w.example MX for a new name when the NSECs prove it absent with closest encloser w.example', () => {
    const c = nsecCache();
    expect(c.lookup(n('q.w.example.'), RRType.MX, NOW)).toBeUndefined();
    c.addWildcard(EXAMPLE, expansion(), 2, TTL, NOW);
    const s = c.lookup(n('q.w.example.'), RRType.MX, NOW);
    expect(s?.kind).toBe('wildcard');
    if (s?.kind !== 'wildcard') return;
    expect(nameToText(s.rrset.name)).toBe('q.w.example.');
    expect(s.rrset.rrs.map((rr) => nameToText(rr.name))).toEqual(['q.w.example.']);
    expect(s.rrset.sigs).toHaveLength(1);
    // The RRSIG is the wildcard's own: Labels 2 < 3 labels of the new owner.
    expect(s.rrset.sigs[0]!.rdata[3]).toBe(2);
  });

  it('a wildcard that lacks the type gives NODATA (RFC 4035 §3.1.3.4), never an expansion', () => {
    const c = nsecCache();
    c.addWildcard(EXAMPLE, expansion(), 2, TTL, NOW);
    expect(c.lookup(n('q.w.example.'), RRType.A, NOW)).toMatchObject({ kind: 'nodata' });
  });

  it('a name that exists is not answered from the wildcard', () => {
    const c = nsecCache();
    c.addWildcard(EXAMPLE, expansion(), 2, TTL, NOW);
    expect(c.lookup(n('x.w.example.'), RRType.MX, NOW)).toBeUndefined();
  });
});

describe('RFC 8198 §5.2: NSEC3, as far as it allows', () => {
  it('records with Opt-Out are never kept (RFC 5155 §6)', () => {
    const c = new AggressiveCache();
    c.addDenial({ zone: EXAMPLE, nsec: [], nsec3: nsec3Zone() }, TTL, NOW);
    expect(c.size).toBe(0);
    expect(c.lookup(n('a.c.x.w.example.'), RRType.A, NOW)).toBeUndefined();
  });

  it('records beyond the iteration limit are never kept (RFC 9276 §3.2)', () => {
    const c = new AggressiveCache();
    c.addDenial({ zone: EXAMPLE, nsec: [], nsec3: withIterations(noOptOut(nsec3Zone()), MAX_NSEC3_ITERATIONS + 1) }, TTL, NOW);
    expect(c.size).toBe(0);
  });

  it('without Opt-Out, the RFC 5155 B.1 NXDOMAIN and B.2 NODATA are synthesised from the kept chain', () => {
    const c = new AggressiveCache();
    c.addDenial({ zone: EXAMPLE, nsec: [], nsec3: noOptOut(nsec3Zone()) }, TTL, NOW);
    expect(c.lookup(n('a.c.x.w.example.'), RRType.A, NOW)).toMatchObject({ kind: 'nxdomain', zone: EXAMPLE });
    for (const label of ['nope', 'mail', 'q1', 'zzz']) {
      expect(c.lookup(n(`${label}.example.`), RRType.A, NOW)).toMatchObject({ kind: 'nxdomain' });
    }
    expect(c.lookup(n('ns1.example.'), RRType.MX, NOW)).toMatchObject({ kind: 'nodata' });
    expect(c.lookup(n('ns1.example.'), RRType.A, NOW)).toBeUndefined();
  });

  it('a look-up does at most MAX_AGGRESSIVE_NSEC3_HASH_WORK hash work: deep names in a zone with many iterations go upstream', () => {
    // A two-name chain (apex, b.example.) hashed with 150 iterations and no salt: every other name is covered.
    const it = MAX_NSEC3_ITERATIONS;
    const h = (name: string) => nsec3Hash(nameToCanonicalWire(n(name)), new Uint8Array(0), it);
    const [lo, hi] = [h('example.'), h('b.example.')].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    const rec = (owner: Uint8Array, next: Uint8Array, types: string): DenialRecord => ({
      owner: n(`${base32hexEncode(owner)}.example.`),
      rdata: rdataFromText(RRType.NSEC3, `1 0 ${it} - ${base32hexEncode(next)} ${types}`),
    });
    const apexIsLo = Buffer.compare(Buffer.from(lo!), Buffer.from(h('example.'))) === 0;
    const chain = [rec(lo!, hi!, apexIsLo ? 'SOA NS RRSIG DNSKEY NSEC3PARAM' : 'A RRSIG'), rec(hi!, lo!, apexIsLo ? 'A RRSIG' : 'SOA NS RRSIG DNSKEY NSEC3PARAM')];
    const c = new AggressiveCache();
    c.addDenial({ zone: EXAMPLE, nsec: [], nsec3: chain }, TTL, NOW);
    // 3 names hashed (the name, the apex, the apex wildcard) x 151 fits; 5 (one label deeper) do not.
    expect(3 * (it + 1)).toBeLessThanOrEqual(MAX_AGGRESSIVE_NSEC3_HASH_WORK);
    expect(5 * (it + 1)).toBeGreaterThan(MAX_AGGRESSIVE_NSEC3_HASH_WORK);
    expect(c.isAbsent(n('nope.example.'), NOW)).toBe(true);
    expect(c.lookup(n('nope.example.'), RRType.A, NOW)).toMatchObject({ kind: 'nxdomain' });
    expect(c.isAbsent(n('x.nope.example.'), NOW)).toBe(false);
    expect(c.lookup(n('x.nope.example.'), RRType.A, NOW)).toBeUndefined();
  });

  it('a zone re-signed with a new salt replaces the old records', () => {
    const c = new AggressiveCache();
    c.addDenial({ zone: EXAMPLE, nsec: [], nsec3: noOptOut(nsec3Zone()) }, TTL, NOW);
    c.addDenial({ zone: EXAMPLE, nsec: [], nsec3: withIterations(noOptOut(nsec3Zone()).slice(0, 1), 13) }, TTL, NOW);
    expect(c.lookup(n('a.c.x.w.example.'), RRType.A, NOW)).toBeUndefined();
  });
});

describe('zone cuts (RFC 4035 §5.2): only names the kept records prove absent are ruled out without a DS query', () => {
  it('absent names are; existing names, empty non-terminals, delegations and names below them are not', () => {
    const c = nsecCache();
    expect(c.isAbsent(n('mz.example.'), NOW)).toBe(true);
    expect(c.isAbsent(n('a.mz.example.'), NOW)).toBe(true);
    // Existing without NS: a replayed NSEC from before a delegation would say the same, so a DS query decides.
    expect(c.isAbsent(n('ai.example.'), NOW)).toBe(false);
    expect(c.isAbsent(n('w.example.'), NOW)).toBe(false);
    expect(c.isAbsent(n('y.w.example.'), NOW)).toBe(false);
    expect(c.isAbsent(n('a.example.'), NOW)).toBe(false);
    expect(c.isAbsent(n('b.example.'), NOW)).toBe(false);
    // RFC 6840 §4.1: the delegation NSEC at b.example proves nothing below it.
    expect(c.isAbsent(n('x.b.example.'), NOW)).toBe(false);
    expect(c.isAbsent(EXAMPLE, NOW)).toBe(false);
    expect(c.isAbsent(n('mz.example.'), NOW + TTL)).toBe(false);
    expect(new AggressiveCache().isAbsent(n('mz.example.'), NOW)).toBe(false);
  });

  it('NSEC3: a covering record without Opt-Out proves absence (RFC 5155 §7.1: every existing name has its own NSEC3)', () => {
    const c = new AggressiveCache();
    c.addDenial({ zone: EXAMPLE, nsec: [], nsec3: noOptOut(nsec3Zone()) }, TTL, NOW);
    expect(c.isAbsent(n('nope.example.'), NOW)).toBe(true);
    expect(c.isAbsent(n('ns1.example.'), NOW)).toBe(false);
    expect(c.isAbsent(n('w.example.'), NOW)).toBe(false);
  });
});
