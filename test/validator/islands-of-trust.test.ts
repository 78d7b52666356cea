/**
 * Islands of trust (RFC 4033 §3.2, RFC 4035 §4.4, §5): with a trust anchor
 * for `example.` only, an RRSIG that names a signer ABOVE the anchor (the
 * unanchored root) must not make data in the island insecure — that would be
 * a downgrade anyone on the path could forge. Built from the RFC 4035
 * Appendix A zone and its B.1 answer.
 */
import { describe, expect, it } from 'vitest';
import { createValidator } from '../../src/validator/validator.js';
import { type RR, encodeMessage, parseMessage } from '../../src/wire/message.js';
import { RRType } from '../../src/wire/rrtype.js';
import { nameFromText, writeName, nameWireLength } from '../../src/wire/name.js';
import { readRrsig } from '../../src/dnssec/records.js';
import { rfcZone } from '../support/vectors.js';

const Z = rfcZone('rfc4035-A-signed-zone.zone');

/** A copy of an RRSIG RR with another signer name (the signature bytes kept). */
function withSigner(sig: RR, signer: string): RR {
  const s = readRrsig(sig.rdata)!;
  const name = nameFromText(signer);
  const rdata = new Uint8Array(18 + nameWireLength(name) + s.signature.length);
  rdata.set(sig.rdata.subarray(0, 18), 0);
  const end = writeName(rdata, 18, name, false);
  rdata.set(s.signature, end);
  return { ...sig, rdata };
}

function answerWith(sigSigner: string | undefined) {
  const { question, message } = Z.poolWith('rfc4035-B1-answer.txt');
  const pool = Z.pool();
  const mx = message.answer.filter((r) => r.type === RRType.MX);
  const sig = message.answer.find((r) => r.type === RRType.RRSIG)!;
  const answer = sigSigner === undefined ? mx : [...mx, withSigner(sig, sigSigner)];
  pool.fix(question.name, question.type, parseMessage(encodeMessage({ flags: { qr: true }, question: message.question, answer })));
  return { pool, question };
}

describe('a signer above the island of trust (RFC 4035 §5)', () => {
  it('the genuine B.1 answer is secure from the example. anchor', async () => {
    const { pool, question } = Z.poolWith('rfc4035-B1-answer.txt');
    const v = createValidator({ source: pool, trustAnchors: Z.dsAnchors, clock: () => Z.now, prefetch: false });
    expect((await v.validate(question.name, question.type)).status).toBe('secure');
  });

  it('an RRSIG naming the unanchored root as signer does not downgrade the island to insecure', async () => {
    const { pool, question } = answerWith('.');
    const v = createValidator({ source: pool, trustAnchors: Z.dsAnchors, clock: () => Z.now, prefetch: false });
    const res = await v.validate(question.name, question.type);
    expect(res.status, JSON.stringify(res.reasons)).toBe('bogus');
    expect(res.reasons[0]?.zone).toBe('example.');
    expect(res.records).toEqual([]);
  });

  it('stripping the RRSIG is bogus too (RRSIGs missing, EDE 10)', async () => {
    const { pool, question } = answerWith(undefined);
    const v = createValidator({ source: pool, trustAnchors: Z.dsAnchors, clock: () => Z.now, prefetch: false });
    const res = await v.validate(question.name, question.type);
    expect(res.status).toBe('bogus');
    expect(res.reasons[0]?.ede).toBe(10);
  });

  it('without any anchor above the data, the same answer is insecure (no trust anchor)', async () => {
    const { pool, question } = answerWith('.');
    const other = Z.dsAnchors.map((a) => ({ ...a, zone: nameFromText('other.'), ds: a.ds.map((r) => ({ ...r, name: nameFromText('other.') })) }));
    const v = createValidator({ source: pool, trustAnchors: other, clock: () => Z.now, prefetch: false });
    const res = await v.validate(question.name, question.type);
    expect(res.status).toBe('insecure');
    expect(res.reasons[0]?.text).toMatch(/no trust anchor/);
  });
});

describe('a denial signed from above the island of trust', () => {
  it('NSEC RRSIGs re-labelled with the unanchored root as signer do not make the NXDOMAIN insecure', async () => {
    const { question, message } = Z.poolWith('rfc4035-B2-name-error.txt');
    const pool = Z.pool();
    const authority = message.authority.map((r) => (r.type === RRType.RRSIG ? withSigner(r, '.') : r));
    pool.fix(question.name, question.type, parseMessage(encodeMessage({ flags: { qr: true }, rcode: message.rcode, question: message.question, authority })));
    const v = createValidator({ source: pool, trustAnchors: Z.dsAnchors, clock: () => Z.now, prefetch: false });
    const res = await v.validate(question.name, question.type);
    expect(res.status, JSON.stringify(res.reasons)).toBe('bogus');
    expect(res.rcode).toBe('NXDOMAIN');
  });
});
