/**
 * RFC 4033 §5, RFC 4035 §5: any signature in a denial that fails to verify
 * makes it bogus, even when the rest of the response would prove the denial
 * (as Unbound: a NODATA or NXDOMAIN response "has failed AUTHORITY rrset").
 * Issue 10 correction 1: a DS NODATA whose NSEC proof verifies but whose SOA
 * RRSIG does not was reported secure.
 */
import { describe, expect, it } from 'vitest';
import { createValidator } from '../../src/validator/validator.js';
import type { ValidationResult } from '../../src/validator/result.js';
import type { Message, RR } from '../../src/wire/message.js';
import { RRType, Rcode } from '../../src/wire/rrtype.js';
import { readRrsig } from '../../src/dnssec/records.js';
import { RecordPool } from '../support/record-pool.js';
import { makeMessage, n } from '../support/vectors.js';
import { rfc6605Zone } from '../support/signed-zone.js';
import { rr } from '../support/signer.js';

const P = rfc6605Zone();
const INSEC = 'insec.example.net.';
const NSECS = [
  rr('example.net.', 'NSEC', 'insec.example.net. NS SOA RRSIG NSEC DNSKEY'),
  rr(INSEC, 'NSEC', 'www.example.net. NS RRSIG NSEC'),
  rr('www.example.net.', 'NSEC', 'example.net. A RRSIG NSEC'),
];
const INSEC_SOA = rr(INSEC, 'SOA', 'ns.insec.example.net. hostmaster.insec.example.net. 1 3600 300 3600000 300');
const SIGNED = P.sign([rr('www.example.net.', 'A', '192.0.2.1'), ...NSECS]);
const SOA_SET = P.apex.filter((r) => r.type === RRType.SOA || (r.type === RRType.RRSIG && readRrsig(r.rdata)?.typeCovered === RRType.SOA));

/** A copy of the RRSIGs among `records` with the last signature octet flipped. */
function broken(records: readonly RR[]): RR[] {
  return records.map((r) => {
    if (r.type !== RRType.RRSIG) return r;
    const rdata = r.rdata.slice();
    rdata[rdata.length - 1]! ^= 0x01;
    return { ...r, rdata };
  });
}

function owned(owner: string, type: number): RR[] {
  return SIGNED.filter((r) => r.name.join('.').toLowerCase() + '.' === owner && (r.type === type || (r.type === RRType.RRSIG && readRrsig(r.rdata)?.typeCovered === type)));
}

function pool(fixes: [string, number, Message][]): RecordPool {
  const p = new RecordPool([...P.apex, ...SIGNED, rr(INSEC, 'NS', 'ns.insec.example.net.'), rr(`www.${INSEC}`, 'A', '192.0.2.66'), INSEC_SOA]);
  // What insec.example.net.'s own servers answer to a DS query below its apex: NODATA with their unsigned SOA.
  p.fix(n(`www.${INSEC}`), RRType.DS, makeMessage(n(`www.${INSEC}`), RRType.DS, { authority: [INSEC_SOA] }));
  for (const [name, type, m] of fixes) p.fix(n(name), type, m);
  return p;
}

async function validate(p: RecordPool, name: string, type: string): Promise<ValidationResult> {
  return createValidator({ source: p, trustAnchors: P.dsAnchors, clock: () => P.now, prefetch: false }).validate(name, type);
}

const show = (r: ValidationResult) => JSON.stringify({ status: r.status, reasons: r.reasons });

describe('a failing signature in a denial makes it bogus (RFC 4035 §5, RFC 4033 §5)', () => {
  it('control: the DS NODATA for insec.example.net. with good signatures makes www.insec.example.net. insecure', async () => {
    const ds = makeMessage(n(INSEC), RRType.DS, { authority: [...SOA_SET, ...owned(INSEC, RRType.NSEC)] });
    const res = await validate(pool([[INSEC, RRType.DS, ds]]), `www.${INSEC}`, 'A');
    expect(res.status, show(res)).toBe('insecure');
  });

  it('the DS NODATA whose NSEC verifies but whose SOA RRSIG does not: bogus, not insecure', async () => {
    const ds = makeMessage(n(INSEC), RRType.DS, { authority: [...broken(SOA_SET), ...owned(INSEC, RRType.NSEC)] });
    const res = await validate(pool([[INSEC, RRType.DS, ds]]), `www.${INSEC}`, 'A');
    expect(res.status, show(res)).toBe('bogus');
    expect(res.reasons[0]?.text, show(res)).toMatch(/example\.net\. SOA/);
  });

  it('the DS NODATA with a second, failing NSEC beside the proving one: bogus', async () => {
    const ds = makeMessage(n(INSEC), RRType.DS, { authority: [...SOA_SET, ...owned(INSEC, RRType.NSEC), ...broken(owned('www.example.net.', RRType.NSEC))] });
    const res = await validate(pool([[INSEC, RRType.DS, ds]]), `www.${INSEC}`, 'A');
    expect(res.status, show(res)).toBe('bogus');
  });

  it('a NODATA answer whose NSEC proves it but whose SOA RRSIG fails: bogus, not secure', async () => {
    const nodata = makeMessage(n('www.example.net.'), RRType.TXT, { authority: [...broken(SOA_SET), ...owned('www.example.net.', RRType.NSEC)] });
    const res = await validate(pool([['www.example.net.', RRType.TXT, nodata]]), 'www.example.net.', 'TXT');
    expect(res.status, show(res)).toBe('bogus');
  });

  it('control: the same NODATA with good signatures is secure', async () => {
    const nodata = makeMessage(n('www.example.net.'), RRType.TXT, { authority: [...SOA_SET, ...owned('www.example.net.', RRType.NSEC)] });
    const res = await validate(pool([['www.example.net.', RRType.TXT, nodata]]), 'www.example.net.', 'TXT');
    expect(res.status, show(res)).toBe('secure');
  });

  it('an NXDOMAIN whose proof verifies beside an NSEC whose RRSIG fails: bogus', async () => {
    const nx = makeMessage(n('b.example.net.'), RRType.A, {
      rcode: Rcode.NXDOMAIN,
      authority: [...SOA_SET, ...owned('example.net.', RRType.NSEC), ...broken(owned(INSEC, RRType.NSEC)), ...owned('www.example.net.', RRType.NSEC)],
    });
    const res = await validate(pool([['b.example.net.', RRType.A, nx]]), 'b.example.net.', 'A');
    expect(res.status, show(res)).toBe('bogus');
  });
});
