/**
 * Denial of existence through the whole validator (RFC 4035 §5.4, RFC 6840
 * §4.1, §4.3), on the RFC 4035 Appendix A zone as served by the record
 * pool (every NSEC of the zone in the authority section), plus a small NSEC
 * zone signed with the RFC 6605 key for the CNAME-bit case.
 */
import { describe, expect, it } from 'vitest';
import { createValidator } from '../../src/validator/validator.js';
import type { ResponseSource } from '../../src/validator/context.js';
import type { TrustAnchor } from '../../src/dnssec/anchors.js';
import { RRType, Rcode } from '../../src/wire/rrtype.js';
import { RecordPool } from '../support/record-pool.js';
import { makeMessage, n, rfcZone, rrsetWithSigs } from '../support/vectors.js';
import { rfc6605Zone } from '../support/signed-zone.js';
import { rr } from '../support/signer.js';
import { nsec3Hash } from '../../src/crypto/index.js';
import { base32hexEncode } from '../../src/wire/base32hex.js';
import { nameToCanonicalWire } from '../../src/wire/name.js';

const z = rfcZone('rfc4035-A-signed-zone.zone');
const records = z.pool().records;
const soa = rrsetWithSigs(records, n('example'), RRType.SOA);
const nsecAt = (owner: string) => rrsetWithSigs(records, n(owner), RRType.NSEC);

function validate(source: ResponseSource, name: string, type: string, anchors: readonly TrustAnchor[] = z.dsAnchors, now = z.now) {
  return createValidator({ source, trustAnchors: anchors, clock: () => now, prefetch: false }).validate(name, type);
}

describe('secure denials derived from the Appendix A NSEC chain', () => {
  it('NXDOMAIN after the last name: the last NSEC (xx.example → example.) wraps to the apex', async () => {
    const res = await validate(z.pool(), 'zzz.example.', 'A');
    expect(res.status, JSON.stringify(res.reasons)).toBe('secure');
    expect(res.rcode).toBe('NXDOMAIN');
  });

  it('NODATA at an empty non-terminal (y.w.example: x.y.w.example exists below it)', async () => {
    const res = await validate(z.pool(), 'y.w.example.', 'A');
    expect(res.status, JSON.stringify(res.reasons)).toBe('secure');
    expect(res.rcode).toBe('NOERROR');
    expect(res.records).toEqual([]);
  });

  it('NODATA for a type missing from an existing name (ai.example MX)', async () => {
    const res = await validate(z.pool(), 'ai.example.', 'MX');
    expect(res.status, JSON.stringify(res.reasons)).toBe('secure');
    expect(res.records).toEqual([]);
  });
});

/**
 * RFC 6840 §4.1: an NSEC at a delegation point (NS set, SOA clear) is the
 * parent's; it proves nothing about names below the cut, nor about types
 * other than DS at the cut. Signed and valid, it still makes no secure denial.
 */
describe('the parent-side NSEC of a delegation proves nothing below the cut (RFC 6840 §4.1)', () => {
  for (const child of ['a.example', 'b.example']) {
    it(`NXDOMAIN for foo.${child} from the NSEC at ${child}: not secure`, async () => {
      const q = n(`foo.${child}`);
      const pool = z.pool();
      pool.fix(q, RRType.A, makeMessage(q, RRType.A, { rcode: Rcode.NXDOMAIN, authority: [...soa, ...nsecAt(child), ...nsecAt('example')] }));
      const res = await validate(pool, `foo.${child}.`, 'A');
      expect(res.status).not.toBe('secure');
      expect(res.reasons.length).toBeGreaterThan(0);
    });

    it(`NODATA for ${child} A from the NSEC at ${child}: not secure`, async () => {
      const q = n(child);
      const pool = z.pool();
      pool.fix(q, RRType.A, makeMessage(q, RRType.A, { authority: [...soa, ...nsecAt(child)] }));
      const res = await validate(pool, `${child}.`, 'A');
      expect(res.status).not.toBe('secure');
      expect(res.reasons.length).toBeGreaterThan(0);
    });
  }
});

describe('an NSEC that lists CNAME does not prove NODATA for other types (RFC 4035 §5.4, RFC 6840 §4.3)', () => {
  it('NODATA for alias.example.net A with the NSEC at alias.example.net showing CNAME: bogus', async () => {
    const zone = rfc6605Zone();
    const signed = zone.sign([
      rr('example.net.', 'NSEC', 'alias.example.net. NS SOA RRSIG NSEC DNSKEY'),
      rr('alias.example.net.', 'NSEC', 'example.net. CNAME RRSIG NSEC'),
      rr('example.net.', 'NS', 'ns.example.net.'),
      rr('alias.example.net.', 'CNAME', 'elsewhere.example.org.'),
    ]);
    const isType = (t: number) => (r: (typeof signed)[number]) => r.type === t || (r.type === RRType.RRSIG && r.rdata[1] === t);
    const pool = new RecordPool([...zone.apex, ...signed]);
    const q = n('alias.example.net');
    pool.fix(q, RRType.A, makeMessage(q, RRType.A, { authority: [...zone.apex.filter(isType(RRType.SOA)), ...signed.filter(isType(RRType.NSEC))] }));
    const res = await validate(pool, 'alias.example.net.', 'A', zone.dsAnchors, zone.now);
    expect(res.status).toBe('bogus');
    expect(res.reasons[0]?.zone).toBe('example.net.');
  });
});

/**
 * RFC 4035 §5.3.4: a wildcard expansion (RRSIG labels < owner labels) needs
 * an NSEC proving that the name does not exist and that no closer match
 * does: the closest encloser must be the wildcard's parent.
 * Zone: example.net. with *.wild, b.wild and c.wild (RFC 6605 key).
 */
describe('wildcard expansions must be proven (RFC 4035 §5.3.4)', () => {
  const zone = rfc6605Zone();
  const isType = (t: number) => (r: { type: number; rdata: Uint8Array }) => r.type === t || (r.type === RRType.RRSIG && r.rdata[1] === t);
  const signed = zone.sign([
    rr('example.net.', 'NSEC', '*.wild.example.net. NS SOA RRSIG NSEC DNSKEY'),
    rr('*.wild.example.net.', 'NSEC', 'b.wild.example.net. TXT RRSIG NSEC'),
    rr('b.wild.example.net.', 'NSEC', 'c.wild.example.net. A RRSIG NSEC'),
    rr('c.wild.example.net.', 'NSEC', 'example.net. A RRSIG NSEC'),
    rr('example.net.', 'NS', 'ns.example.net.'),
    rr('b.wild.example.net.', 'A', '192.0.2.1'),
    rr('c.wild.example.net.', 'A', '192.0.2.2'),
  ]);
  const wildTxt = rr('*.wild.example.net.', 'TXT', '"wild"');
  const wildSig = zone.sigFor([wildTxt]);
  /** The wildcard TXT expanded at `qname`, with every NSEC of the zone in the authority section. */
  function expanded(qname: string) {
    const pool = new RecordPool([...zone.apex, ...signed, wildTxt, wildSig]);
    pool.fix(n(qname), RRType.TXT, makeMessage(n(qname), RRType.TXT, { answer: [{ ...wildTxt, name: n(qname) }, { ...wildSig, name: n(qname) }], authority: signed.filter(isType(RRType.NSEC)) }));
    return validate(pool, qname, 'TXT', zone.dsAnchors, zone.now);
  }

  it('a.wild.example.net: the NSEC *.wild → b.wild covers it, closest encloser wild.example.net: secure', async () => {
    const res = await expanded('a.wild.example.net.');
    expect(res.status, JSON.stringify(res.reasons)).toBe('secure');
    expect(res.records.map((r) => r.data)).toEqual(['"wild"']);
  });

  it('a.b.wild.example.net: b.wild.example.net exists, so *.wild cannot be the source: bogus', async () => {
    const res = await expanded('a.b.wild.example.net.');
    expect(res.status).toBe('bogus');
    expect(res.reasons[0]?.zone).toBe('example.net.');
  });

  it('b.wild.example.net itself exists: a "wildcard answer" for it is bogus', async () => {
    const res = await expanded('b.wild.example.net.');
    expect(res.status).toBe('bogus');
  });
});

describe('NSEC3 NXDOMAIN needs the wildcard denied too (RFC 5155 §8.4)', () => {
  it('an NSEC3 matching *.example.net: NXDOMAIN for nope.example.net is bogus', async () => {
    const zone = rfc6605Zone();
    const hashOf = (name: string) => base32hexEncode(nsec3Hash(nameToCanonicalWire(n(name)), new Uint8Array(0), 0)).toLowerCase();
    const entries = [
      { h: hashOf('example.net.'), types: 'NS SOA RRSIG DNSKEY NSEC3PARAM' },
      { h: hashOf('*.example.net.'), types: 'TXT RRSIG' },
    ].sort((a, b) => (a.h < b.h ? -1 : 1));
    const chain = zone.sign(entries.map((e, i) => rr(`${e.h}.example.net.`, 'NSEC3', `1 0 0 - ${entries[(i + 1) % 2]!.h.toUpperCase()} ${e.types}`, 300)));
    const isType = (t: number) => (r: { type: number; rdata: Uint8Array }) => r.type === t || (r.type === RRType.RRSIG && r.rdata[1] === t);
    const pool = new RecordPool([...zone.apex, ...chain]);
    const q = n('nope.example.net');
    pool.fix(q, RRType.TXT, makeMessage(q, RRType.TXT, { rcode: Rcode.NXDOMAIN, authority: [...zone.apex.filter(isType(RRType.SOA)), ...chain] }));
    const res = await validate(pool, 'nope.example.net.', 'TXT', zone.dsAnchors, zone.now);
    expect(res.status).toBe('bogus');
    expect(res.reasons[0]?.zone).toBe('example.net.');
  });
});
