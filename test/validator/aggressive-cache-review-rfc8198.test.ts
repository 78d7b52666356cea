/**
 * Review (H4) of the RFC 8198 cache end to end, through the validator: what is kept comes only from data that
 * validated secure (RFC 8198 §4), lives no longer than its RRSIGs (RFC 4035 §5.3.3, RFC 8198 §5.4), and an
 * NSEC3 Opt-Out span never answers (RFC 8198 §5.2, RFC 5155 §6). Each case asks a second name the kept records
 * would cover and checks that it went upstream and got the verdict upstream data gives.
 */
import { describe, expect, it } from 'vitest';
import { createValidator } from '../../src/validator/validator.js';
import type { RR } from '../../src/wire/message.js';
import { RRType, Rcode } from '../../src/wire/rrtype.js';
import { RecordPool } from '../support/record-pool.js';
import { rfc6605Zone } from '../support/signed-zone.js';
import { rr } from '../support/signer.js';
import { makeMessage, n, rfcZone } from '../support/vectors.js';

const P = rfc6605Zone();
const NOW = P.now;
const SOA = rr('example.net.', 'SOA', 'ns.example.net. hostmaster.example.net. 1 3600 300 3600000 300');
const NSECS = [
  rr('example.net.', 'NSEC', 'www.example.net. SOA RRSIG NSEC DNSKEY'),
  rr('www.example.net.', 'NSEC', 'example.net. A RRSIG NSEC'),
];

function world(nsecExpiration?: number): RecordPool {
  return new RecordPool([
    P.dnskey,
    P.sigFor([P.dnskey]),
    ...P.sign([SOA]),
    ...P.sign(NSECS, nsecExpiration !== undefined ? { expiration: nsecExpiration } : {}),
    ...P.sign([rr('www.example.net.', 'A', '192.0.2.1')]),
  ]);
}

const asked = (pool: RecordPool, from: number) => pool.asked.slice(from);

describe('RFC 8198 §4: only records that validated secure are kept', () => {
  it('the valid NSECs of an NXDOMAIN whose SOA signature fails are not kept: the next name in their span goes upstream', async () => {
    const pool = world();
    const signed = P.sign([SOA]);
    const badSig = signed.find((r) => r.type === RRType.RRSIG)!;
    const broken: RR = { ...badSig, rdata: badSig.rdata.map((b, i) => (i === badSig.rdata.length - 1 ? b ^ 1 : b)) };
    const nsecs = P.sign(NSECS);
    pool.fix(n('zzz.example.net.'), RRType.A, makeMessage(n('zzz.example.net.'), RRType.A, { rcode: Rcode.NXDOMAIN, authority: [SOA, broken, ...nsecs] }));
    let now = NOW;
    const v = createValidator({ source: pool, trustAnchors: P.dsAnchors, clock: () => now, prefetch: false });
    expect((await v.validate('zzz.example.net.', 'A')).status).toBe('bogus');
    const before = pool.asked.length;
    const res = await v.validate('yyy.example.net.', 'A');
    expect(asked(pool, before)).toContain('yyy.example.net.|1');
    expect([res.status, res.rcode]).toEqual(['secure', 'NXDOMAIN']);
  });
});

describe('RFC 4035 §5.3.3, RFC 8198 §5.4: kept NSECs live no longer than their RRSIGs', () => {
  it('NSECs whose RRSIGs expire 100 s after the NXDOMAIN deny nothing 150 s later: the name goes upstream (and is bogus: expired)', async () => {
    const pool = world(NOW + 100);
    let now = NOW;
    const v = createValidator({ source: pool, trustAnchors: P.dsAnchors, clock: () => now, prefetch: false });
    const nx = await v.validate('zzz.example.net.', 'A');
    expect([nx.status, nx.rcode]).toEqual(['secure', 'NXDOMAIN']);
    expect(nx.ttl).toBeLessThanOrEqual(100);
    now = NOW + 50;
    const before50 = pool.asked.length;
    expect((await v.validate('yyy.example.net.', 'A')).status).toBe('secure');
    expect(asked(pool, before50)).not.toContain('yyy.example.net.|1');
    now = NOW + 150;
    const before = pool.asked.length;
    const res = await v.validate('xxx.example.net.', 'A');
    expect(asked(pool, before)).toContain('xxx.example.net.|1');
    expect(res.status).toBe('bogus');
  });
});

describe('RFC 8198 §5.2, RFC 5155 §6: an Opt-Out span never answers from the cache', () => {
  it('after the RFC 5155 B.1 NXDOMAIN (insecure: Opt-Out), another name in the span is asked upstream and is not secure', async () => {
    const zone = rfcZone('rfc5155-A-signed-zone.zone');
    const { pool, question } = zone.poolWith('rfc5155-B1-name-error.txt');
    const v = createValidator({ source: pool, trustAnchors: zone.dsAnchors, clock: () => zone.now, prefetch: false });
    expect((await v.validate(question.name, question.type)).status).toBe('insecure');
    const before = pool.asked.length;
    const res = await v.validate('b.c.x.w.example.', 'A');
    expect(asked(pool, before)).toContain('b.c.x.w.example.|1');
    expect(res.status).not.toBe('secure');
  });
});
