/**
 * Issue 9, the two --trace items: the trace says why a listed key was not
 * used (not "no-matching-key" for a key shown one line above), and an
 * insecure reason carries no EDE code (null: RFC 8914 EDE 0 is "Other
 * Error", not "no error").
 */
import { describe, expect, it } from 'vitest';
import { createValidator } from '../../src/validator/validator.js';
import type { ValidationResult } from '../../src/validator/result.js';
import { keyTag, readRrsig } from '../../src/dnssec/records.js';
import { RRType } from '../../src/wire/rrtype.js';
import { RecordPool } from '../support/record-pool.js';
import { makeMessage, n, rfcZone } from '../support/vectors.js';
import { rfc6605Zone } from '../support/signed-zone.js';
import { rr } from '../support/signer.js';
import { formatText } from '../../src/cli/format.js';

const z = rfcZone('rfc4035-A-signed-zone.zone');
const records = z.pool().records;
const KSK_TAG = keyTag(z.dnskeyAnchors[0]!.dnskeys[0]!.rdata);
const isDnskeySigBy = (r: (typeof records)[number], tag: number) => r.type === RRType.RRSIG && r.name.length === 1 && readRrsig(r.rdata)?.typeCovered === RRType.DNSKEY && readRrsig(r.rdata)?.keyTag === tag;

function validate(pool: RecordPool, name = 'xx.example.', type = 'A'): Promise<ValidationResult> {
  return createValidator({ source: pool, trustAnchors: z.dsAnchors, clock: () => z.now, prefetch: false }).validate(name, type);
}

describe('--trace says why a key was skipped', () => {
  it('the DNSKEY RRset signed only by the ZSK: the ZSK is listed but not trusted by the anchor — "untrusted-key", not "no-matching-key"', async () => {
    const res = await validate(new RecordPool(records.filter((r) => !isDnskeySigBy(r, KSK_TAG))));
    expect(res.status).toBe('bogus');
    const anchor = res.chain.find((s) => s.kind === 'anchor')!;
    const zsk = anchor.dnskeys!.find((k) => !k.trusted)!;
    const line = anchor.signatures.find((g) => g.keyTag === zsk.keyTag)!;
    expect(line.result).toBe('untrusted-key');
    expect(anchor.signatures.map((g) => g.result)).not.toContain('no-matching-key');
    expect(res.reasons[0]?.text).toMatch(/not trusted/);
  });

  it('an RRSIG whose key tag no listed key has still says no-matching-key', async () => {
    const pool = new RecordPool(records.map((r) => {
      if (!(r.type === RRType.RRSIG && readRrsig(r.rdata)?.typeCovered === RRType.A && r.name.join('.') === 'xx.example')) return r;
      const rdata = r.rdata.slice();
      rdata[16] = (rdata[16]! + 1) & 0xff; // key tag
      return { ...r, rdata };
    }));
    const res = await validate(pool);
    expect(res.status).toBe('bogus');
    expect(res.chain.flatMap((s) => s.signatures).some((g) => g.rrset === 'xx.example. A' && g.result === 'no-matching-key')).toBe(true);
  });
});

describe('an insecure reason carries no EDE code', () => {
  it('no trust anchor covers the name: insecure, reason EDE null, and the text output shows no "EDE 0"', async () => {
    const pool = z.pool();
    // The anchor is example.; a name outside it has no anchor (nothing is asked for it but the answer).
    pool.fix(n('www.example.com.'), RRType.A, makeMessage(n('www.example.com.'), RRType.A, { answer: [rr('www.example.com.', 'A', '192.0.2.9')] }));
    const res = await createValidator({ source: pool, trustAnchors: z.dsAnchors, clock: () => z.now, prefetch: false }).validate('www.example.com.', 'A');
    expect(res.status).toBe('insecure');
    expect(res.reasons.length).toBeGreaterThan(0);
    expect(res.reasons.every((r) => r.ede === null)).toBe(true);
    expect(formatText(res, { color: false })).not.toMatch(/EDE 0/);
  });

  it('an insecure delegation (parent NSEC: NS, no DS): insecure, every reason EDE null', async () => {
    const P = rfc6605Zone();
    const insecSoa = rr('insec.example.net.', 'SOA', 'ns.insec.example.net. h.insec.example.net. 1 3600 300 3600000 300');
    const insecNsec = P.sign([rr('insec.example.net.', 'NSEC', 'example.net. NS RRSIG NSEC')]);
    const soa = P.apex.filter((r) => r.type === RRType.SOA || (r.type === RRType.RRSIG && readRrsig(r.rdata)?.typeCovered === RRType.SOA));
    const pool = new RecordPool([
      ...P.apex,
      ...P.sign([rr('example.net.', 'NSEC', 'insec.example.net. NS SOA RRSIG NSEC DNSKEY')]),
      ...insecNsec,
      rr('insec.example.net.', 'NS', 'ns.insec.example.net.'),
      insecSoa,
      rr('www.insec.example.net.', 'A', '192.0.2.66'),
    ]);
    pool.fix(n('insec.example.net.'), RRType.DS, makeMessage(n('insec.example.net.'), RRType.DS, { authority: [...soa, ...insecNsec] }));
    pool.fix(n('www.insec.example.net.'), RRType.DS, makeMessage(n('www.insec.example.net.'), RRType.DS, { authority: [insecSoa] }));
    const res = await createValidator({ source: pool, trustAnchors: P.dsAnchors, clock: () => P.now, prefetch: false }).validate('www.insec.example.net.', 'A');
    expect(res.status, JSON.stringify(res.reasons)).toBe('insecure');
    expect(res.reasons.length).toBeGreaterThan(0);
    expect(res.reasons.map((x) => x.ede)).toEqual(res.reasons.map(() => null));
    expect(formatText(res, { color: false })).not.toMatch(/EDE/);
  });
});
