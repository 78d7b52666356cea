/**
 * The rules that have one home in src/dnssec, checked where they live:
 * type bitmaps (RFC 6840 §4), DNSKEY flags (RFC 4034 §2.1.1, RFC 5011 §2.1),
 * usable DS digests (RFC 4509 §3, RFC 6840 §5.2), wildcard label counts
 * (RFC 4035 §5.3.4) and the rcode policy.
 */
import { describe, expect, it } from 'vitest';
import { TypeBitmap, type DsData, type DnskeyData } from '../../src/dnssec/records.js';
import { isDelegationBitmap, mayDenyNamesBelow, noDsAtMatch, noDsAtWildcard, nodataProblem } from '../../src/dnssec/bitmap.js';
import { isRevoked, isTrustableKey, isZoneKey } from '../../src/dnssec/keys.js';
import { usableDs } from '../../src/dnssec/ds.js';
import { isWildcardExpansion } from '../../src/dnssec/rrsig.js';
import { negativeTtl } from '../../src/dnssec/ttl.js';
import { carriesAnswer } from '../../src/wire/rcode-policy.js';
import { Rcode } from '../../src/wire/rrtype.js';
import { n, RRType } from '../support/vectors.js';
import { rr } from '../support/signer.js';

const bm = (...types: number[]) => new TypeBitmap(types);
const T = RRType;

describe('type bitmaps (RFC 6840 §4)', () => {
  it('§4.1: NS without SOA is the parent side of a cut; it and DNAME may not deny names below', () => {
    expect(isDelegationBitmap(bm(T.NS))).toBe(true);
    expect(isDelegationBitmap(bm(T.NS, T.SOA))).toBe(false);
    expect(mayDenyNamesBelow(bm(T.NS, T.RRSIG, T.NSEC))).toBe(false);
    expect(mayDenyNamesBelow(bm(T.DNAME))).toBe(false);
    expect(mayDenyNamesBelow(bm(T.NS, T.SOA))).toBe(true);
  });

  it('§4.3: NODATA needs the type and CNAME clear; §4.1: a delegation cannot deny child types', () => {
    expect(nodataProblem(bm(T.A), T.A, false)).toBe('lists-type');
    expect(nodataProblem(bm(T.CNAME), T.A, false)).toBe('lists-cname');
    expect(nodataProblem(bm(T.NS), T.A, false)).toBe('delegation');
    expect(nodataProblem(bm(T.NS), T.DS, false)).toBeUndefined();
    expect(nodataProblem(bm(T.A, T.TXT), T.MX, false)).toBeUndefined();
  });

  it('§4.4: the child apex (SOA set) cannot deny DS, except at the root', () => {
    expect(nodataProblem(bm(T.NS, T.SOA, T.DNSKEY), T.DS, false)).toBe('child-apex');
    expect(nodataProblem(bm(T.NS, T.SOA, T.DNSKEY), T.DS, true)).toBeUndefined();
    expect(noDsAtMatch(bm(T.NS, T.SOA))).toEqual({ problem: 'child-apex' });
    expect(noDsAtMatch(bm(T.NS, T.DS))).toEqual({ problem: 'lists-ds' });
    expect(noDsAtMatch(bm(T.NS))).toEqual({ cut: true });
    expect(noDsAtMatch(bm(T.A))).toEqual({ cut: false });
  });

  it('RFC 4592 §4.2: a wildcard with NS proves no cut', () => {
    expect(noDsAtWildcard(bm(T.NS, T.A))).toBe('wildcard-delegation');
    expect(noDsAtWildcard(bm(T.A))).toBeUndefined();
  });
});

describe('DNSKEY flags (RFC 4034 §2.1.1, RFC 5011 §2.1)', () => {
  const key = (flags: number, protocol = 3): DnskeyData => ({ flags, protocol, algorithm: 13, publicKey: new Uint8Array(64), keyTag: 1 });
  it('a zone key has bit 7 and protocol 3; a revoked one is no trust point', () => {
    expect(isZoneKey(key(256))).toBe(true);
    expect(isZoneKey(key(1))).toBe(false);
    expect(isZoneKey(key(256, 2))).toBe(false);
    expect(isRevoked(key(385))).toBe(true);
    expect(isTrustableKey(key(257))).toBe(true);
    expect(isTrustableKey(key(385))).toBe(false);
  });
});

describe('usable DS records (RFC 4509 §3, RFC 6840 §5.2)', () => {
  const ds = (digestType: number, algorithm = 13): DsData => ({ keyTag: 1, algorithm, digestType, digest: new Uint8Array(32) });
  it('SHA-1 is ignored beside SHA-256; alone it counts', () => {
    expect(usableDs([ds(1), ds(2)]).map((d) => d.digestType)).toEqual([2]);
    expect(usableDs([ds(1)]).map((d) => d.digestType)).toEqual([1]);
  });
  it('unsupported digest types and algorithms do not count', () => {
    expect(usableDs([ds(99), ds(2, 200)])).toEqual([]);
  });
});

describe('wildcard label count (RFC 4035 §5.3.4)', () => {
  it('an RRSIG Labels field below the owner label count means a wildcard expansion', () => {
    expect(isWildcardExpansion(n('a.b.example.'), 2)).toBe(true);
    expect(isWildcardExpansion(n('a.b.example.'), 3)).toBe(false);
    expect(isWildcardExpansion(n('*.b.example.'), 2)).toBe(false);
  });
});

describe('TTL caps and rcode policy', () => {
  it('RFC 2308 §5: a negative answer lives min(SOA TTL, MINIMUM)', () => {
    const soa = rr('example.', 'SOA', 'ns.example. h.example. 1 3600 600 86400 300', 7200);
    expect(negativeTtl({ name: soa.name, type: soa.type, class: 1, ttl: 7200, rrs: [soa], sigs: [] })).toBe(300);
  });
  it('NOERROR and NXDOMAIN carry answers; YXDOMAIN only for a DNAME; SERVFAIL/REFUSED never', () => {
    expect(carriesAnswer(Rcode.NOERROR)).toBe(true);
    expect(carriesAnswer(Rcode.NXDOMAIN)).toBe(true);
    expect(carriesAnswer(Rcode.YXDOMAIN)).toBe(true);
    expect(carriesAnswer(Rcode.YXDOMAIN, { dname: false })).toBe(false);
    expect(carriesAnswer(Rcode.SERVFAIL)).toBe(false);
    expect(carriesAnswer(Rcode.REFUSED)).toBe(false);
  });
});
