/**
 * RFC 4035 Appendix B: the example responses from the signed zone of
 * Appendix A, validated from the zone's KSK (the anchor the vector header
 * gives, as DS and as DNSKEY) at the time the header suggests.
 *
 * Each response is served verbatim for its question (RecordPool.fix); the
 * DNSKEY RRset and anything else the validator asks come from Appendix A.
 */
import { describe, expect, it } from 'vitest';
import { createValidator } from '../../src/validator/validator.js';
import { denialInputFrom, dsAbsence } from '../../src/validator/denial-input.js';
import { groupRRsets } from '../../src/validator/rrsets.js';
import { VerificationBudget } from '../../src/dnssec/rrsig.js';
import { RRType, Rcode } from '../../src/wire/rrtype.js';
import { nameToText } from '../../src/wire/name.js';
import { readShared } from '../support/record-pool.js';
import { expectedOutcome, makeMessage, n, rfcZone, rrsetWithSigs, sectionedMessage } from '../support/vectors.js';

const zone = rfcZone('rfc4035-A-signed-zone.zone');
const ANCHORS = [
  ['DS', zone.dsAnchors],
  ['DNSKEY', zone.dnskeyAnchors],
] as const;

function validatorFor(pool: Parameters<typeof createValidator>[0]['source'], anchors = zone.dsAnchors, now = zone.now) {
  return createValidator({ source: pool, trustAnchors: anchors, clock: () => now, prefetch: false });
}

/** [file, the word the header's expected outcome must contain, the status it means] */
const SECURE_CASES = [
  ['rfc4035-B1-answer.txt', 'secure: positive answer'],
  ['rfc4035-B2-name-error.txt', 'secure NXDOMAIN'],
  ['rfc4035-B3-no-data.txt', 'secure NODATA'],
  ['rfc4035-B6-wildcard-expansion.txt', 'secure via wildcard'],
  ['rfc4035-B7-wildcard-no-data.txt', 'secure NODATA via wildcard'],
] as const;

describe('RFC 4035 Appendix B.1, B.2, B.3, B.6, B.7: secure (RFC 4035 §5.3, §5.4)', () => {
  for (const [file, words] of SECURE_CASES) {
    for (const [anchorKind, anchors] of ANCHORS) {
      it(`${file} with the KSK anchor as ${anchorKind}`, async () => {
        const { pool, question, message, text } = zone.poolWith(file);
        expect(expectedOutcome(text)).toContain(words);
        const res = await validatorFor(pool, anchors).validate(question.name, question.type);
        expect(res.status, JSON.stringify(res.reasons)).toBe('secure');
        expect(res.reasons).toEqual([]);
        expect(res.rcode).toBe(message.rcode === Rcode.NXDOMAIN ? 'NXDOMAIN' : 'NOERROR');
        expect(res.ttl).toBeGreaterThan(0);
        expect(res.ttl).toBeLessThanOrEqual(3600);
        // The answer section's RRsets (not their RRSIGs) are the records handed out.
        const answerData = message.answer.filter((r) => r.type === question.type);
        expect(res.records.length).toBe(answerData.length);
        for (const r of res.records) expect(r.name).toBe(nameToText(question.name));
        // The walk started at the anchor.
        expect(res.chain.some((s) => s.kind === 'anchor' && s.zone === 'example.' && s.status === 'secure')).toBe(true);
      });
    }
  }

  it('B.6: the answer is reported as a wildcard expansion with its proof', async () => {
    const { pool, question } = zone.poolWith('rfc4035-B6-wildcard-expansion.txt');
    const res = await validatorFor(pool).validate(question.name, question.type);
    expect(res.status).toBe('secure');
    expect(res.chain.some((s) => s.kind === 'wildcard' && s.status === 'secure')).toBe(true);
    expect(res.records.map((r) => r.data)).toEqual(['1 ai.example.']);
  });

  it('B.1 validated against the Appendix A DNSKEY RRset: besides x.w.example MX and example. DNSKEY, only DS queries for the names between the signer and the owner (no zone cut skipped, RFC 4035 §5.3.1)', async () => {
    const { pool, question } = zone.poolWith('rfc4035-B1-answer.txt');
    const res = await validatorFor(pool).validate(question.name, question.type);
    expect(res.status).toBe('secure');
    expect([...pool.asked].sort()).toEqual(['example.|48', 'w.example.|43', 'x.w.example.|15', 'x.w.example.|43']);
  });
});

describe('RFC 4035 Appendix B.4: referral to the signed zone a.example', () => {
  it('the DS RRset of a.example from B.4 is secure (RFC 4035 §5.2)', async () => {
    const text = readShared('vectors/rfc/rfc4035-B4-referral-signed.txt');
    expect(expectedOutcome(text)).toContain('secure delegation');
    const { message } = sectionedMessage(text, 'rfc4035-B4');
    const ds = rrsetWithSigs(message.authority, n('a.example'), RRType.DS);
    expect(ds.length).toBe(2);
    const pool = zone.pool();
    pool.fix(n('a.example'), RRType.DS, makeMessage(n('a.example'), RRType.DS, { answer: ds }));
    const res = await validatorFor(pool).validate('a.example.', 'DS');
    expect(res.status, JSON.stringify(res.reasons)).toBe('secure');
    expect(res.records.map((r) => r.type)).toEqual(['DS']);
    expect(res.records[0]!.data.startsWith('57855 5 1 ')).toBe(true);
  });
});

/**
 * B.5: b.example is delegated without DS; the NSEC at b.example (NS set, DS
 * and SOA clear) is the signed proof of that, so everything at or below
 * b.example is insecure (RFC 4035 §5.2, §4.3).
 */
describe('RFC 4035 Appendix B.5: referral to the unsigned zone b.example', () => {
  const text = readShared('vectors/rfc/rfc4035-B5-referral-unsigned.txt');
  const b5 = sectionedMessage(text, 'rfc4035-B5');
  /** What example.'s servers say to "b.example DS": NODATA with SOA and the b.example NSEC (from B.5). */
  const noDsAtB = makeMessage(n('b.example'), RRType.DS, {
    authority: [
      ...rrsetWithSigs(zone.pool().records, n('example'), RRType.SOA),
      ...rrsetWithSigs(b5.message.authority, n('b.example'), RRType.NSEC),
    ],
  });
  /** b.example's own (unsigned) servers answer names below the cut; the RFC gives no SOA for it. */
  const unsignedEmpty = (name: string, type: number) => makeMessage(n(name), type, {});

  it('the header states an insecure delegation', () => {
    expect(expectedOutcome(text)).toContain('insecure delegation');
  });

  it('glue data served by b.example (ns1.b.example A, unsigned) is insecure, the reason names b.example', async () => {
    const pool = zone.pool();
    const glue = b5.message.additional.filter((r) => r.type === RRType.A && nameToText(r.name) === 'ns1.b.example.');
    expect(glue.length).toBe(1);
    pool.fix(n('ns1.b.example'), RRType.A, makeMessage(n('ns1.b.example'), RRType.A, { answer: glue }));
    pool.fix(n('ns1.b.example'), RRType.DS, unsignedEmpty('ns1.b.example', RRType.DS));
    pool.fix(n('b.example'), RRType.DS, noDsAtB);
    const res = await validatorFor(pool).validate('ns1.b.example.', 'A');
    expect(res.status, JSON.stringify(res.reasons)).toBe('insecure');
    expect(res.records.map((r) => r.data)).toEqual(['192.0.2.7']);
    expect(res.reasons.some((r) => r.zone === 'b.example.')).toBe(true);
  });

  it('the B.5 referral itself, as the response to mc.b.example MX, is insecure (not bogus)', async () => {
    const pool = zone.pool();
    pool.fix(b5.question.name, b5.question.type, b5.message);
    pool.fix(n('b.example'), RRType.DS, noDsAtB);
    pool.fix(n('mc.b.example'), RRType.DS, unsignedEmpty('mc.b.example', RRType.DS));
    const res = await validatorFor(pool).validate(b5.question.name, b5.question.type);
    expect(res.status, JSON.stringify(res.reasons)).toBe('insecure');
    expect(res.reasons.some((r) => r.zone === 'b.example.')).toBe(true);
  });
});

/**
 * B.8: the child apex answers a DS query with its own NSEC (SOA bit set).
 * That NSEC is no proof that the parent holds no DS (RFC 4035 §5.2,
 * RFC 6840 §4.4), however well it is signed.
 */
describe('RFC 4035 Appendix B.8: the child-apex NSEC is not a no-DS proof', () => {
  const text = readShared('vectors/rfc/rfc4035-B8-ds-child-nodata.txt');
  const b8 = sectionedMessage(text, 'rfc4035-B8');

  it('the header says so', () => {
    expect(expectedOutcome(text)).toMatch(/must not use it as a parent-side proof of no DS/);
  });

  it('dsAbsence on the verified B.8 authority section neither proves an insecure delegation nor "no zone cut"', () => {
    const keys = rrsetWithSigs(zone.pool().records, n('example'), RRType.DNSKEY).filter((r) => r.type === RRType.DNSKEY);
    const verified = denialInputFrom(groupRRsets(b8.message.authority), { zone: n('example'), dnskeys: keys }, { now: zone.now, budget: new VerificationBudget(64) });
    // The NSEC itself verifies: only its meaning is wrong for a DS denial.
    expect(verified.failures).toEqual([]);
    expect(verified.input.nsec.length).toBe(1);
    const outcome = dsAbsence(n('example'), verified.input);
    expect(outcome.result).toBe('failed');
  });

  it('validating "example. DS" from this response is not secure', async () => {
    const pool = zone.pool();
    pool.fix(b8.question.name, b8.question.type, b8.message);
    const res = await validatorFor(pool).validate('example.', 'DS');
    expect(res.status).not.toBe('secure');
    expect(res.reasons.length).toBeGreaterThan(0);
  });
});
