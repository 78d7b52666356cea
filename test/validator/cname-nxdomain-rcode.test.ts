/**
 * A CNAME whose target does not exist (RFC 6604 §3: the rcode speaks of the
 * last name of the chain). Servers answer NXDOMAIN — and some, predating RFC
 * 6604, NOERROR. Either way the target's non-existence must be proven
 * (RFC 4035 §5.4); with the proof the answer is a secure NXDOMAIN, without it
 * bogus.
 */
import { describe, expect, it } from 'vitest';
import { createValidator } from '../../src/validator/validator.js';
import { RRType, Rcode } from '../../src/wire/rrtype.js';
import type { RR } from '../../src/wire/message.js';
import { RecordPool } from '../support/record-pool.js';
import { makeMessage, n, rrsetWithSigs } from '../support/vectors.js';
import { rfc6605Zone } from '../support/signed-zone.js';
import { rr } from '../support/signer.js';

const P = rfc6605Zone();
const ZONE: RR[] = [
  ...P.apex,
  ...P.sign([
    rr('x.example.net.', 'CNAME', 'nope.example.net.'),
    // nope.example.net. and *.example.net. both sort between the apex and x.
    rr('example.net.', 'NSEC', 'x.example.net. SOA RRSIG NSEC DNSKEY'),
    rr('x.example.net.', 'NSEC', 'example.net. CNAME RRSIG NSEC'),
  ]),
];
const cname = rrsetWithSigs(ZONE, n('x.example.net.'), RRType.CNAME);
const soa = rrsetWithSigs(ZONE, n('example.net.'), RRType.SOA);
const proof = rrsetWithSigs(ZONE, n('example.net.'), RRType.NSEC);

async function ask(rcode: number, authority: RR[]) {
  const pool = new RecordPool(ZONE);
  pool.fix(n('x.example.net.'), RRType.A, makeMessage(n('x.example.net.'), RRType.A, { rcode, answer: cname, authority }));
  return createValidator({ source: pool, trustAnchors: P.dsAnchors, clock: () => P.now, prefetch: false }).validate('x.example.net.', 'A');
}

describe('CNAME to a name that does not exist', () => {
  it('NXDOMAIN with the proof for the target: secure NXDOMAIN, the CNAME handed out', async () => {
    const res = await ask(Rcode.NXDOMAIN, [...soa, ...proof]);
    expect(res.status, JSON.stringify(res.reasons)).toBe('secure');
    expect(res.rcode).toBe('NXDOMAIN');
    expect(res.records.map((r) => r.type)).toEqual(['CNAME']);
  });

  it('NOERROR (an older server) with the same proof: still a secure NXDOMAIN', async () => {
    const res = await ask(Rcode.NOERROR, [...soa, ...proof]);
    expect(res.status, JSON.stringify(res.reasons)).toBe('secure');
    expect(res.rcode).toBe('NXDOMAIN');
  });

  it('NOERROR without the proof: bogus', async () => {
    const res = await ask(Rcode.NOERROR, [...soa]);
    expect(res.status).toBe('bogus');
    expect(res.records).toEqual([]);
  });

  it('NXDOMAIN without the proof: bogus', async () => {
    const res = await ask(Rcode.NXDOMAIN, [...soa]);
    expect(res.status).toBe('bogus');
  });
});
