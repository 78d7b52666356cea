/**
 * Time and TTL (RFC 4035 §5.3.1, §5.3.3): a signature is valid from its
 * inception to its expiration inclusive; the TTL of a validated RRset is at
 * most the RRSIG original TTL and the time left until the signature expires.
 * The result's TTL is the smallest over the links of the answer, and cached
 * keys do not outlive their signatures.
 */
import { describe, expect, it } from 'vitest';
import { createValidator } from '../../src/validator/validator.js';
import type { ResponseSource } from '../../src/validator/context.js';
import type { TrustAnchor } from '../../src/dnssec/anchors.js';
import type { RR } from '../../src/wire/message.js';
import { RRType } from '../../src/wire/rrtype.js';
import { EDE } from '../../src/types.js';
import { RecordPool } from '../support/record-pool.js';
import { makeMessage, rfcZone } from '../support/vectors.js';
import { rfc6605Zone } from '../support/signed-zone.js';
import { rr } from '../support/signer.js';

const z = rfcZone('rfc4035-A-signed-zone.zone');

function validateAt(source: ResponseSource, anchors: readonly TrustAnchor[], now: number, name: string, type: string) {
  return createValidator({ source, trustAnchors: anchors, clock: () => now, prefetch: false }).validate(name, type);
}

describe('validity window (RFC 4035 §5.3.1)', () => {
  const B1 = () => z.poolWith('rfc4035-B1-answer.txt');
  it('at the expiration second: still valid', async () => {
    const { pool } = B1();
    const res = await validateAt(pool, z.dsAnchors, z.window.expiration, 'x.w.example.', 'MX');
    expect(res.status, JSON.stringify(res.reasons)).toBe('secure');
    expect(res.ttl).toBe(0);
  });
  it('one second after: expired (EDE 7)', async () => {
    const res = await validateAt(B1().pool, z.dsAnchors, z.window.expiration + 1, 'x.w.example.', 'MX');
    expect(res.status).toBe('bogus');
    expect(res.reasons[0]?.ede).toBe(EDE.SIGNATURE_EXPIRED);
  });
  it('at the inception second: valid', async () => {
    const res = await validateAt(B1().pool, z.dsAnchors, z.window.inception, 'x.w.example.', 'MX');
    expect(res.status, JSON.stringify(res.reasons)).toBe('secure');
  });
  it('one second before: not yet valid (EDE 8)', async () => {
    const res = await validateAt(B1().pool, z.dsAnchors, z.window.inception - 1, 'x.w.example.', 'MX');
    expect(res.status).toBe('bogus');
    expect(res.reasons[0]?.ede).toBe(EDE.SIGNATURE_NOT_YET_VALID);
  });
});

describe('TTL capped by the time left until expiration (RFC 4035 §5.3.3)', () => {
  for (const [file, name, type] of [
    ['rfc4035-B1-answer.txt', 'x.w.example.', 'MX'],
    ['rfc4035-B2-name-error.txt', 'ml.example.', 'A'],
    ['rfc4035-B6-wildcard-expansion.txt', 'a.z.w.example.', 'MX'],
  ] as const) {
    it(`${file}: 10 s before expiration the TTL is at most 10`, async () => {
      const res = await validateAt(z.poolWith(file).pool, z.dsAnchors, z.window.expiration - 10, name, type);
      expect(res.status, JSON.stringify(res.reasons)).toBe('secure');
      expect(res.ttl).toBeGreaterThan(0);
      expect(res.ttl).toBeLessThanOrEqual(10);
      for (const r of res.records) expect(r.ttl).toBeLessThanOrEqual(10);
    });
  }
});

describe('TTL capped by the RRSIG original TTL (RFC 4035 §5.3.3)', () => {
  it('B.1 with the MX TTL raised to 86400 in the response (TTLs are not signed): secure, TTL at most 3600', async () => {
    const { question, message } = z.poolWith('rfc4035-B1-answer.txt');
    const raised = makeMessage(question.name, question.type, {
      answer: message.answer.map((r) => (r.type === RRType.MX ? { ...r, ttl: 86400 } : r)),
      authority: [...message.authority],
    });
    const fresh = z.pool();
    fresh.fix(question.name, question.type, raised);
    const res = await validateAt(fresh, z.dsAnchors, z.now, 'x.w.example.', 'MX');
    expect(res.status, JSON.stringify(res.reasons)).toBe('secure');
    expect(res.ttl).toBeGreaterThan(0);
    expect(res.ttl).toBeLessThanOrEqual(3600);
    expect(res.records[0]!.ttl).toBeLessThanOrEqual(3600);
  });

  it('an RRset of TTL 3600 signed with original TTL 300: TTL at most 300', async () => {
    const zone = rfc6605Zone();
    const a = [rr('short.example.net.', 'A', '192.0.2.5', 3600)];
    const pool = new RecordPool([...zone.apex, ...a, zone.sigFor(a, { originalTtl: 300 })]);
    const res = await validateAt(pool, zone.dsAnchors, zone.now, 'short.example.net.', 'A');
    expect(res.status, JSON.stringify(res.reasons)).toBe('secure');
    expect(res.ttl).toBeGreaterThan(0);
    expect(res.ttl).toBeLessThanOrEqual(300);
  });

  it('a CNAME of TTL 60 to an A of TTL 3600: the answer TTL is at most 60', async () => {
    const zone = rfc6605Zone();
    const records = zone.sign([rr('alias.example.net.', 'CNAME', 'host.example.net.', 60), rr('host.example.net.', 'A', '192.0.2.6', 3600)]);
    const res = await validateAt(new RecordPool([...zone.apex, ...records]), zone.dsAnchors, zone.now, 'alias.example.net.', 'A');
    expect(res.status, JSON.stringify(res.reasons)).toBe('secure');
    expect(res.ttl).toBeGreaterThan(0);
    expect(res.ttl).toBeLessThanOrEqual(60);
  });
});

describe('negative answers (RFC 2308 §5, RFC 9077 §3)', () => {
  it('NODATA and NXDOMAIN live min(SOA TTL, SOA MINIMUM): SOA TTL 3600, MINIMUM 300 → at most 300', async () => {
    const zone = rfc6605Zone();
    const nsec = rr('example.net.', 'NSEC', 'example.net. NS SOA RRSIG NSEC DNSKEY', 3600);
    const pool = new RecordPool([...zone.apex, ...zone.sign([nsec, rr('example.net.', 'NS', 'ns.example.net.')])]);
    for (const [name, type, rcode] of [
      ['example.net.', 'TXT', 'NOERROR'],
      ['nope.example.net.', 'TXT', 'NXDOMAIN'],
    ] as const) {
      const res = await validateAt(pool, zone.dsAnchors, zone.now, name, type);
      expect(res.status, JSON.stringify(res.reasons)).toBe('secure');
      expect(res.rcode).toBe(rcode);
      expect(res.ttl).toBeGreaterThan(0);
      expect(res.ttl).toBeLessThanOrEqual(300);
    }
  });
});

describe('cached keys do not outlive their signatures', () => {
  it('the DNSKEY RRSIG expires before the answer RRSIG: one validator, later question → expired, not a stale secure', async () => {
    const zone = rfc6605Zone();
    const keyExpires = zone.window.expiration - 1000;
    const apexOther = zone.apex.filter((r) => r.type !== RRType.DNSKEY && !(r.type === RRType.RRSIG && r.rdata[1] === RRType.DNSKEY));
    const a: RR[] = [rr('www2.example.net.', 'A', '192.0.2.7', 3600)];
    const pool = new RecordPool([zone.dnskey, zone.sigFor([zone.dnskey], { expiration: keyExpires }), ...apexOther, ...a, zone.sigFor(a)]);
    let now = keyExpires - 5;
    const v = createValidator({ source: pool, trustAnchors: zone.dsAnchors, clock: () => now, prefetch: false });
    const before = await v.validate('www2.example.net.', 'A');
    expect(before.status, JSON.stringify(before.reasons)).toBe('secure');
    expect(before.ttl).toBeLessThanOrEqual(3600);
    now = keyExpires + 5;
    const after = await v.validate('www2.example.net.', 'A');
    expect(after.status).toBe('bogus');
    expect(after.reasons[0]?.ede).toBe(EDE.SIGNATURE_EXPIRED);
    expect(after.reasons[0]?.zone).toBe('example.net.');
  });
});
