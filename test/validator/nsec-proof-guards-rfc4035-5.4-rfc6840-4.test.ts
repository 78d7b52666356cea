/**
 * Second adversarial review: NSEC proofs (RFC 4035 §5.4, RFC 4034 §4.1.1,
 * §6.1; RFC 6840 §4.1, §4.3) on crafted records, as if their RRSIGs had
 * verified. All blocks guard attacks that are defended on the reviewed code.
 */
import { describe, expect, it } from 'vitest';
import { proveNoDs, proveNodata, proveNxdomain, proveWildcardAnswer, type DenialRecord } from '../../src/dnssec/denial.js';
import { RRType } from '../../src/wire/rrtype.js';
import { n } from '../support/vectors.js';
import { rr } from '../support/signer.js';

const ZONE = n('example.net.');

function nsec(owner: string, next: string, types: string): DenialRecord {
  const r = rr(owner, 'NSEC', `${next} ${types}`);
  return { owner: r.name, rdata: r.rdata };
}

const input = (...records: DenialRecord[]) => ({ zone: ZONE, nsec: records, nsec3: [] });
const APEX = nsec('example.net.', 'a.example.net.', 'SOA NS DNSKEY RRSIG NSEC');

describe('NSEC spans (RFC 4034 §4.1.1: only the last NSEC wraps, to the apex)', () => {
  it('an NSEC whose next name sorts before its owner but is not the apex (www → a) covers nothing: NXDOMAIN never proven', () => {
    const bad = nsec('www.example.net.', 'a.example.net.', 'A RRSIG NSEC');
    for (const q of ['zzz.example.net.', 'x.www.example.net.', 'b.example.net.', 'x.a.example.net.']) {
      expect(proveNxdomain(n(q), input(bad, APEX)).result, q).toBe('failed');
    }
  });
  it('the genuine last NSEC (www → example.net.) covers zzz.example.net.: proven with the apex NSEC for *.example.net.', () => {
    const last = nsec('www.example.net.', 'example.net.', 'A RRSIG NSEC');
    expect(proveNxdomain(n('zzz.example.net.'), input(last, APEX)).result).toBe('proven');
  });
  it('an NSEC whose next name lies outside the zone (a → evil.) is not used', () => {
    const out = nsec('a.example.net.', 'evil.', 'A RRSIG NSEC');
    expect(proveNxdomain(n('b.example.net.'), input(out, APEX)).result).toBe('failed');
  });
});

describe('NODATA rules', () => {
  it('NSEC at the name with the CNAME bit: no NODATA for A (RFC 6840 §4.3)', () => {
    expect(proveNodata(n('c.example.net.'), RRType.A, input(nsec('c.example.net.', 'd.example.net.', 'CNAME RRSIG NSEC'))).result).toBe('failed');
  });
  it('a delegation NSEC (NS, no SOA) cannot deny A at the child apex (RFC 6840 §4.1), but denies DS there', () => {
    const deleg = nsec('sub.example.net.', 'www.example.net.', 'NS RRSIG NSEC');
    expect(proveNodata(n('sub.example.net.'), RRType.A, input(deleg)).result).toBe('failed');
    expect(proveNodata(n('sub.example.net.'), RRType.DS, input(deleg)).result).toBe('proven');
  });
  it('a DNAME NSEC cannot prove names below its owner absent (RFC 6840 §4.1)', () => {
    const dname = nsec('d.example.net.', 'www.example.net.', 'DNAME RRSIG NSEC');
    expect(proveNxdomain(n('x.d.example.net.'), input(dname, APEX)).result).toBe('failed');
    expect(proveNodata(n('x.d.example.net.'), RRType.A, input(dname, APEX)).result).toBe('failed');
  });
  it('wildcard NODATA from the wrong wildcard: the closest encloser of x.q.w is q.w, so *.w (without TXT) proves nothing', () => {
    const cover = nsec('q.w.example.net.', 'www.example.net.', 'A RRSIG NSEC');
    const wildW = nsec('*.w.example.net.', 'q.w.example.net.', 'A RRSIG NSEC');
    expect(proveNodata(n('x.q.w.example.net.'), RRType.TXT, input(cover, wildW)).result).toBe('failed');
  });
});

describe('DS absence (RFC 4035 §5.2, RFC 6840 §4.4)', () => {
  it('the child apex NSEC (SOA set) does not prove "no DS": proveNoDs fails in the parent', () => {
    expect(proveNoDs(n('sub.example.net.'), input(nsec('sub.example.net.', 'www.example.net.', 'NS SOA RRSIG NSEC DNSKEY'))).result).toBe('failed');
  });
  it('an NSEC listing NS and DS does not prove "no DS"', () => {
    expect(proveNoDs(n('sub.example.net.'), input(nsec('sub.example.net.', 'www.example.net.', 'NS DS RRSIG NSEC'))).result).toBe('failed');
  });
});

describe('wildcard answers (RFC 4035 §5.3.4)', () => {
  it('RRSIG labels 0 in example.net.: failed (a root wildcard cannot synthesise names of this zone)', () => {
    expect(proveWildcardAnswer(n('b.w.example.net.'), 0, input(nsec('*.w.example.net.', 'q.w.example.net.', 'TXT RRSIG NSEC'))).result).toBe('failed');
  });
  it('labels naming w.example.net. but the NSEC shows q.w.example.net. exists (x.q.w): failed', () => {
    expect(proveWildcardAnswer(n('x.q.w.example.net.'), 3, input(nsec('q.w.example.net.', 'www.example.net.', 'A RRSIG NSEC'))).result).toBe('failed');
  });
});
