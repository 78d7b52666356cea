/**
 * The facts RFC 7672 verdicts rest on, gathered by checkMail from answers
 * (hand-written responses in a fixture, no trust anchor above the names,
 * so they are insecure): what is asked, what is kept, what counts.
 */
import { describe, expect, it } from 'vitest';
import { FixtureSource, type Fixture } from '../../src/fixtures/fixture.js';
import { checkMail } from '../../src/mail/check-mail.js';
import { parseAnchorText } from '../../src/dnssec/anchors.js';
import { createValidator } from '../../src/validator/validator.js';

const ANCHOR = 'elsewhere. IN DS 1 13 2 0000000000000000000000000000000000000000000000000000000000000000';

function validatorFor(exchanges: { name: string; type: string; text: string }[]) {
  const fixture: Fixture = { format: 'dnssec-stub-fixture', version: 1, time: 1_700_000_000, trustAnchors: [ANCHOR], exchanges };
  return createValidator({ source: new FixtureSource(fixture), trustAnchors: parseAnchorText(ANCHOR, 'test'), clock: () => fixture.time });
}

describe('RFC 7672 facts: TLSA records', () => {
  it('§2.2, §3.1: a TLSA record too short to read (2 octets) is kept as an unusable record, so the RRset is not "no TLSA records"', async () => {
    const v = validatorFor([
      { name: 'short.test.', type: 'MX', text: 'short.test. 300 IN MX 10 mx.short.test.' },
      { name: 'mx.short.test.', type: 'A', text: 'mx.short.test. 300 IN A 192.0.2.1' },
      { name: 'mx.short.test.', type: 'AAAA', text: ';; Header: QR RCODE=NOERROR\n;; Answer\n' },
      { name: '_25._tcp.mx.short.test.', type: 'TLSA', text: '_25._tcp.mx.short.test. 300 IN TLSA \\# 2 0301' },
    ]);
    const r = await checkMail('short.test', { validator: v });
    const t = r.hosts[0]!.tlsa!;
    expect(t.records).toHaveLength(1);
    expect(t.records[0]!.usable).toBe(false);
    expect(t.records[0]!.problem).toMatch(/shorter than 3 octets/);
    expect(t.usable).toBe(0);
  });
});
