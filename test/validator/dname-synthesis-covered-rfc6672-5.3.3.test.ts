/**
 * Every record in a secure result is covered (issue 13 item 1): beside a
 * DNAME only exactly the CNAME the validator synthesises (RFC 6672 §5.3.3,
 * §3.2) is handed out, with the DNAME's TTL. A duplicated copy of the
 * server's synthesised CNAME is the same record (one RRset, RFC 2181 §5);
 * a conflicting CNAME at the same owner (a second target, RFC 2181 §10.1)
 * makes the answer bogus. Found by an independent fault-injection run and a
 * fuzzer: `www.dname... CNAME evil.example.` appended after the real one was
 * printed inside a secure answer.
 */
import { describe, expect, it } from 'vitest';
import { createValidator } from '../../src/validator/validator.js';
import type { ValidationResult } from '../../src/validator/result.js';
import type { RR } from '../../src/wire/message.js';
import { RRType, Rcode } from '../../src/wire/rrtype.js';
import { RecordPool } from '../support/record-pool.js';
import { makeMessage, n } from '../support/vectors.js';
import { rfc6605Zone } from '../support/signed-zone.js';
import { rr } from '../support/signer.js';
import { assertCovered, coverOf } from '../support/covered.js';

const zone = rfc6605Zone();
const dname = zone.sign([rr('old.example.net.', 'DNAME', 'new.example.net.', 7200)]);
const target = zone.sign([rr('www.new.example.net.', 'A', '192.0.2.1')]);
const synth = rr('www.old.example.net.', 'CNAME', 'www.new.example.net.', 0);
const evil = rr('www.old.example.net.', 'CNAME', 'evil.example.', 0);
const nsecs = zone.sign([rr('new.example.net.', 'NSEC', 'old.example.net. A RRSIG NSEC'), rr('example.net.', 'NSEC', 'new.example.net. SOA NS DNSKEY RRSIG NSEC')]);
const soa = zone.apex.filter((r) => r.type === RRType.SOA || (r.type === RRType.RRSIG && r.rdata[1] === RRType.SOA));

function validate(answer: RR[], rcode: number = Rcode.NOERROR, authority: RR[] = [], qname = 'www.old.example.net.'): Promise<ValidationResult> {
  const pool = new RecordPool([...zone.apex, ...dname, ...target]);
  pool.fix(n(qname), RRType.A, makeMessage(n(qname), RRType.A, { rcode, answer, authority }));
  return createValidator({ source: pool, trustAnchors: zone.dsAnchors, clock: () => zone.now, prefetch: false }).validate(qname, 'A');
}

const summary = (res: ValidationResult) => res.records.map((r) => `${r.name} ${r.ttl} ${r.type} ${r.data}`);

describe('beside a DNAME, only the CNAME the validator synthesises (RFC 6672 §5.3.3)', () => {
  it('control: DNAME + synthesised CNAME + target: secure, the CNAME shown with the DNAME\'s TTL', async () => {
    const res = await validate([...dname, rr('www.old.example.net.', 'CNAME', 'www.new.example.net.', 3600), ...target]);
    expect(res.status, JSON.stringify(res.reasons)).toBe('secure');
    expect(res.records.find((r) => r.type === 'CNAME')?.ttl).toBeLessThanOrEqual(res.records.find((r) => r.type === 'DNAME')!.ttl);
    assertCovered(res);
  });

  it('a duplicated copy of the synthesised CNAME: secure, the CNAME appears once', async () => {
    const res = await validate([...dname, synth, { ...synth }, ...target]);
    expect(res.status, JSON.stringify(res.reasons)).toBe('secure');
    expect(res.records.filter((r) => r.type === 'CNAME').map((r) => r.data)).toEqual(['www.new.example.net.']);
    assertCovered(res);
  });

  it('a conflicting CNAME appended after the synthesised one (positive answer): bogus, no evil record', async () => {
    const res = await validate([...dname, synth, evil, ...target]);
    expect(res.status, summary(res).join(' | ')).toBe('bogus');
    expect(res.records).toEqual([]);
  });

  it('the conflicting CNAME put first: bogus', async () => {
    const res = await validate([...dname, evil, synth, ...target]);
    expect(res.status).toBe('bogus');
  });

  it('a conflicting CNAME beside a DNAME in an NXDOMAIN: bogus, never a secure NXDOMAIN with the evil CNAME', async () => {
    const qname = 'nx.old.example.net.';
    const s = rr(qname, 'CNAME', 'nx.new.example.net.', 0);
    const e = rr(qname, 'CNAME', 'evil.example.', 0);
    const res = await validate([...dname, s, e], Rcode.NXDOMAIN, [...soa, ...nsecs], qname);
    expect(res.status, summary(res).join(' | ')).toBe('bogus');
    expect(res.records).toEqual([]);
  });

  it('control: the same NXDOMAIN with only the synthesised CNAME is secure, and covered', async () => {
    const qname = 'nx.old.example.net.';
    const res = await validate([...dname, rr(qname, 'CNAME', 'nx.new.example.net.', 0), rr(qname, 'CNAME', 'nx.new.example.net.', 0)], Rcode.NXDOMAIN, [...soa, ...nsecs], qname);
    expect(res.status, JSON.stringify(res.reasons)).toBe('secure');
    expect(res.rcode).toBe('NXDOMAIN');
    expect(res.records.filter((r) => r.type === 'CNAME').length).toBe(1);
    assertCovered(res);
  });

  it('the invariant check itself fails on a record nothing covers', async () => {
    const res = await validate([...dname, synth, ...target]);
    const forged = { ...res.records[1]!, data: 'evil.example.', text: 'www.old.example.net.\t0\tIN\tCNAME\tevil.example.' };
    expect(coverOf(res, forged)).toBeUndefined();
    expect(() => assertCovered({ ...res, records: [...res.records, forged] })).toThrow(/records without a verified RRSIG/);
    const stray = { ...res.records.at(-1)!, name: 'www.other.example.net.', text: 'other' };
    expect(coverOf(res, stray)).toBeUndefined();
    expect(() => assertCovered({ ...res, records: [...res.records, stray] })).toThrow(/records without a verified RRSIG/);
    expect(res.records.map((r) => coverOf(res, r))).toEqual(['signed', 'synthesised from DNAME', 'signed']);
  });
});
