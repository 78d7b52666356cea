// The DenialInput dispatch of src/dnssec/denial.ts: which records are used
// when, and the failure when there are none.
import { describe, expect, it } from 'vitest';
import { rdataFromText } from '../../src/wire/presentation.js';
import { type Name, nameFromText, nameToCanonicalWire } from '../../src/wire/name.js';
import { RRType } from '../../src/wire/rrtype.js';
import { EDE } from '../../src/types.js';
import { nsec3Hash } from '../../src/crypto/index.js';
import { base32hexEncode } from '../../src/wire/base32hex.js';
import { type DenialRecord, proveNodata, proveNoDs, proveNxdomain, proveWildcardAnswer } from '../../src/dnssec/denial.js';

const n = (text: string): Name => nameFromText(text);
const ZONE = n('example.');

const nsecAt = (owner: string, rdata: string): DenialRecord => ({ owner: n(owner), rdata: rdataFromText(RRType.NSEC, rdata) });

/** An NSEC3 (iterations 0, no salt) whose owner is H(name). */
function nsec3For(name: string, rest: string): DenialRecord {
  const label = base32hexEncode(nsec3Hash(nameToCanonicalWire(n(name)), new Uint8Array(0), 0));
  return { owner: [label, ...ZONE], rdata: rdataFromText(RRType.NSEC3, `1 0 0 - ${rest}`) };
}

describe('denial dispatch', () => {
  it('fails with EDE 12 when no records are given', () => {
    const empty = { zone: ZONE, nsec: [], nsec3: [] };
    for (const o of [
      proveNxdomain(n('a.example.'), empty),
      proveNodata(n('a.example.'), RRType.A, empty),
      proveNoDs(n('a.example.'), empty),
      proveWildcardAnswer(n('a.b.example.'), 1, empty),
    ]) {
      expect(o).toMatchObject({ result: 'failed', ede: EDE.NSEC_MISSING });
    }
  });

  it('uses NSEC when it proves the claim, and falls back to NSEC3 when it does not', () => {
    const nodataNsec = nsecAt('www.example.', 'zz.example. A RRSIG NSEC');
    const nodataNsec3 = nsec3For('www.example.', '00000000000000000000000000000000 A RRSIG');
    const nsecOnly = proveNodata(n('www.example.'), RRType.MX, { zone: ZONE, nsec: [nodataNsec], nsec3: [] });
    expect(nsecOnly).toMatchObject({ result: 'proven', via: 'nsec' });
    const nsec3Only = proveNodata(n('www.example.'), RRType.MX, { zone: ZONE, nsec: [], nsec3: [nodataNsec3] });
    expect(nsec3Only).toMatchObject({ result: 'proven', via: 'nsec3' });
    const unrelatedNsec = nsecAt('mail.example.', 'nz.example. A RRSIG NSEC');
    const both = proveNodata(n('www.example.'), RRType.MX, { zone: ZONE, nsec: [unrelatedNsec], nsec3: [nodataNsec3] });
    expect(both).toMatchObject({ result: 'proven', via: 'nsec3' });
  });

  it('a failing NSEC3 proof after a failing NSEC proof is reported as failed', () => {
    const o = proveNodata(n('www.example.'), RRType.A, {
      zone: ZONE,
      nsec: [nsecAt('www.example.', 'zz.example. A RRSIG NSEC')],
      nsec3: [nsec3For('www.example.', '00000000000000000000000000000000 A RRSIG')],
    });
    expect(o).toMatchObject({ result: 'failed', ede: EDE.DNSSEC_BOGUS });
  });

  it('an NSEC3 chain of one record covers every other name (owner == next)', () => {
    const label = base32hexEncode(nsec3Hash(nameToCanonicalWire(ZONE), new Uint8Array(0), 0));
    const apex: DenialRecord = { owner: [label, ...ZONE], rdata: rdataFromText(RRType.NSEC3, `1 0 0 - ${label} NS SOA RRSIG DNSKEY NSEC3PARAM`) };
    const input = { zone: ZONE, nsec: [], nsec3: [apex] };
    expect(proveNxdomain(n('nothing.example.'), input)).toMatchObject({ result: 'proven', via: 'nsec3' });
    expect(proveNodata(n('example.'), RRType.TXT, input)).toMatchObject({ result: 'proven', via: 'nsec3' });
    expect(proveNodata(n('example.'), RRType.SOA, input)).toMatchObject({ result: 'failed' });
  });
});
