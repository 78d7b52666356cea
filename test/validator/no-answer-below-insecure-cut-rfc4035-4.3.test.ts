/**
 * A DS query that got no answer (SERVFAIL, REFUSED, timeout) at a name below
 * a delegation already proven insecure (RFC 4035 §4.3, §5.2: everything
 * below the signed proof that no DS exists is insecure, up to the next trust
 * anchor): that name's own DS answer could not make anything secure, so the
 * verdict is insecure, with the proof at the cut. Under a secure zone the
 * same missing answer stays no answer (UpstreamError): there it could decide
 * between secure, insecure and bogus (issue 10 correction 5).
 *
 * Found by the conformance harness once it answered only from the scenario's
 * entries (issue 10 correction 7): Unbound never asks the DS of a name below
 * the cut it knows, so its scenarios have no entry for that question.
 */
import { describe, expect, it } from 'vitest';
import { createValidator } from '../../src/validator/validator.js';
import { type ResponseSource, UpstreamError } from '../../src/types.js';
import type { Message } from '../../src/wire/message.js';
import { type Name, nameEquals, nameToText } from '../../src/wire/name.js';
import { RRType, Rcode, typeToText } from '../../src/wire/rrtype.js';
import { readShared } from '../support/record-pool.js';
import { makeMessage, n, rfcZone, rrsetWithSigs, sectionedMessage } from '../support/vectors.js';

const z = rfcZone('rfc4035-A-signed-zone.zone');
const b5 = sectionedMessage(readShared('vectors/rfc/rfc4035-B5-referral-unsigned.txt'), 'rfc4035-B5');

/** The RFC 4035 zone with b.example. proven unsigned (B.5), and one question failing as `fail` says. */
function source(fail: { name: string; type: string; how: 'timeout' | 'servfail' | 'refused' }): ResponseSource & { asked: string[] } {
  const pool = z.pool();
  pool.fix(
    n('b.example'),
    RRType.DS,
    makeMessage(n('b.example'), RRType.DS, { authority: [...rrsetWithSigs(pool.records, n('example'), RRType.SOA), ...rrsetWithSigs(b5.message.authority, n('b.example'), RRType.NSEC)] }),
  );
  pool.fix(n('ns1.b.example'), RRType.A, makeMessage(n('ns1.b.example'), RRType.A, { answer: b5.message.additional.filter((r) => nameEquals(r.name, n('ns1.b.example'))) }));
  const asked: string[] = [];
  return {
    asked,
    async query(name: Name, type: number): Promise<Message> {
      const q = `${nameToText(name)} ${typeToText(type)}`;
      asked.push(q);
      if (q === `${fail.name} ${fail.type}`) {
        if (fail.how === 'timeout') throw new UpstreamError(`timed out: ${q}`);
        return makeMessage(name, type, { rcode: fail.how === 'servfail' ? Rcode.SERVFAIL : Rcode.REFUSED });
      }
      return pool.query(name, type);
    },
  };
}

const validate = (src: ResponseSource, name: string, type: string) => createValidator({ source: src, trustAnchors: z.dsAnchors, clock: () => z.now, prefetch: false }).validate(name, type);

describe('no answer to a DS query below a proven insecure delegation (RFC 4035 §4.3, §5.2)', () => {
  for (const how of ['servfail', 'refused', 'timeout'] as const) {
    it(`ns1.b.example. DS ${how}: ns1.b.example. A is insecure, proven at b.example.`, async () => {
      const src = source({ name: 'ns1.b.example.', type: 'DS', how });
      const res = await validate(src, 'ns1.b.example.', 'A');
      expect(src.asked).toContain('ns1.b.example. DS');
      expect(res.status, JSON.stringify(res.reasons)).toBe('insecure');
      expect(res.reasons.some((r) => r.kind === 'insecure-delegation' && r.zone === 'b.example.'), JSON.stringify(res.reasons)).toBe(true);
      expect(res.records.map((r) => r.text)).toEqual([expect.stringMatching(/^ns1\.b\.example\.\s.*\sA\s/)]);
    });
  }

  it('the proof itself unanswered (b.example. DS SERVFAIL): no answer, not insecure', async () => {
    const src = source({ name: 'b.example.', type: 'DS', how: 'servfail' });
    await expect(validate(src, 'ns1.b.example.', 'A')).rejects.toBeInstanceOf(UpstreamError);
  });

  it('under the secure zone example. (xx.example. DS SERVFAIL, xx.example. A unsigned): no answer, not insecure and not bogus', async () => {
    const src = source({ name: 'xx.example.', type: 'DS', how: 'servfail' });
    const pool = z.pool();
    const unsigned = pool.records.filter((r) => r.type === RRType.A && nameToText(r.name) === 'xx.example.');
    expect(unsigned.length).toBeGreaterThan(0);
    const withFix: ResponseSource = {
      query: (name, type) => (nameToText(name) === 'xx.example.' && type === RRType.A ? Promise.resolve(makeMessage(name, type, { answer: unsigned })) : src.query(name, type)),
    };
    await expect(validate(withFix, 'xx.example.', 'A')).rejects.toBeInstanceOf(UpstreamError);
  });
});
