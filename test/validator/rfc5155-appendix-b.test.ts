/**
 * RFC 5155 Appendix B: NSEC3 responses from the zone of Appendix A (every
 * NSEC3 there has the Opt-Out flag), validated from the zone's KSK at the
 * time the vector header suggests.
 *
 * Outcomes as the vector headers state them: B.2 and B.2.1 secure; B.1, B.3,
 * B.4 and B.5 insecure, because the NSEC3 that covers the next closer name
 * is an Opt-Out span (RFC 5155 §9.2: no AD bit); B.6 (child apex NSEC3 for a
 * DS query) is no proof (RFC 5155 §8.6, RFC 6840 §4.4).
 */
import { describe, expect, it } from 'vitest';
import { createValidator } from '../../src/validator/validator.js';
import { denialInputFrom, dsAbsence } from '../../src/validator/denial-input.js';
import { groupRRsets } from '../../src/validator/rrsets.js';
import { VerificationBudget } from '../../src/dnssec/rrsig.js';
import { RRType, Rcode } from '../../src/wire/rrtype.js';
import { nameToText } from '../../src/wire/name.js';
import type { ResponseSource } from '../../src/validator/context.js';
import { expectedOutcome, makeMessage, n, rfcZone, rrsetWithSigs } from '../support/vectors.js';

const zone = rfcZone('rfc5155-A-signed-zone.zone');

function validatorFor(source: ResponseSource, anchors = zone.dsAnchors) {
  return createValidator({ source, trustAnchors: anchors, clock: () => zone.now, prefetch: false });
}

/** [file, words in the header's expected outcome, status] */
const CASES = [
  ['rfc5155-B1-name-error.txt', 'classify INSECURE', 'insecure'],
  ['rfc5155-B2-no-data.txt', 'secure NODATA', 'secure'],
  ['rfc5155-B21-no-data-ent.txt', 'secure NODATA for an empty non-terminal', 'secure'],
  ['rfc5155-B3-referral-optout-unsigned.txt', 'INSECURE delegation', 'insecure'],
  ['rfc5155-B4-wildcard-expansion.txt', 'classify INSECURE', 'insecure'],
  ['rfc5155-B5-wildcard-no-data.txt', 'classify INSECURE', 'insecure'],
] as const;

describe('RFC 5155 Appendix B responses (RFC 5155 §8, §9.2)', () => {
  for (const [file, words, status] of CASES) {
    for (const [anchorKind, anchors] of [
      ['DS', zone.dsAnchors],
      ['DNSKEY', zone.dnskeyAnchors],
    ] as const) {
      it(`${file} is ${status} (anchor as ${anchorKind})`, async () => {
        const { pool, question, message, text } = zone.poolWith(file);
        expect(expectedOutcome(text)).toContain(words);
        const res = await validatorFor(pool, anchors).validate(question.name, question.type);
        expect(res.status, JSON.stringify(res.reasons)).toBe(status);
        expect(res.rcode).toBe(message.rcode === Rcode.NXDOMAIN ? 'NXDOMAIN' : 'NOERROR');
        if (status === 'secure') {
          expect(res.reasons).toEqual([]);
          expect(res.ttl).toBeGreaterThan(0);
        } else {
          // Insecure says which zone and which proof: an Opt-Out span of example. (for the referral B.3,
          // the reason may name the cut c.example. where security ends).
          const zones = file.includes('B3') ? ['example.', 'c.example.'] : ['example.'];
          expect(res.reasons.some((r) => zones.includes(r.zone ?? '') && /opt-out/i.test(r.text)), JSON.stringify(res.reasons)).toBe(true);
        }
      });
    }
  }

  it('B.4: the opt-out wildcard answer still hands out the MX record (insecure data is data)', async () => {
    const { pool, question } = zone.poolWith('rfc5155-B4-wildcard-expansion.txt');
    const res = await validatorFor(pool).validate(question.name, question.type);
    expect(res.status).toBe('insecure');
    expect(res.records.map((r) => `${r.name} ${r.type} ${r.data}`)).toEqual(['a.z.w.example. MX 1 ai.example.']);
  });

  it('B.3: glue data below the opt-out delegation c.example (ns1.c.example A) is insecure', async () => {
    const b3 = zone.poolWith('rfc5155-B3-referral-optout-unsigned.txt');
    const pool = zone.pool();
    const glue = b3.message.additional.filter((r) => r.type === RRType.A && nameToText(r.name) === 'ns1.c.example.');
    expect(glue.length).toBe(1);
    // example.'s answer to "c.example DS": NODATA with the B.3 NSEC3 proof.
    const nsec3 = b3.message.authority.filter((r) => r.type === RRType.NSEC3 || r.type === RRType.RRSIG);
    pool.fix(n('c.example'), RRType.DS, makeMessage(n('c.example'), RRType.DS, { authority: [...rrsetWithSigs(pool.records, n('example'), RRType.SOA), ...nsec3] }));
    // c.example's own unsigned servers answer below the cut.
    pool.fix(n('ns1.c.example'), RRType.A, makeMessage(n('ns1.c.example'), RRType.A, { answer: glue }));
    pool.fix(n('ns1.c.example'), RRType.DS, makeMessage(n('ns1.c.example'), RRType.DS, {}));
    const res = await validatorFor(pool).validate('ns1.c.example.', 'A');
    expect(res.status, JSON.stringify(res.reasons)).toBe('insecure');
    expect(res.records.map((r) => r.data)).toEqual(['192.0.2.7']);
    expect(res.reasons.some((r) => r.zone === 'c.example.' || r.zone === 'example.')).toBe(true);
  });
});

describe('RFC 5155 Appendix B.6: the child-apex NSEC3 is not a no-DS proof (RFC 5155 §8.6)', () => {
  it('the header says so', () => {
    const { text } = zone.poolWith('rfc5155-B6-ds-child-nodata.txt');
    expect(expectedOutcome(text)).toContain('must not be accepted as the parent-side proof');
  });

  it('dsAbsence on the verified B.6 NSEC3 fails', () => {
    const { message } = zone.poolWith('rfc5155-B6-ds-child-nodata.txt');
    const keys = zone.pool().records.filter((r) => r.type === RRType.DNSKEY);
    const verified = denialInputFrom(groupRRsets(message.authority), { zone: n('example'), dnskeys: keys }, { now: zone.now, budget: new VerificationBudget(64) });
    expect(verified.failures).toEqual([]);
    expect(verified.input.nsec3.length).toBe(1);
    expect(dsAbsence(n('example'), verified.input).result).toBe('failed');
  });

  it('validating "example. DS" from this response is not secure', async () => {
    const { pool, question } = zone.poolWith('rfc5155-B6-ds-child-nodata.txt');
    const res = await validatorFor(pool).validate(question.name, question.type);
    expect(res.status).not.toBe('secure');
    expect(res.reasons.length).toBeGreaterThan(0);
  });
});
