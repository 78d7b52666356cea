/**
 * The facts RFC 7672 verdicts rest on, gathered by checkMail from answers
 * (hand-written responses in a fixture, no trust anchor above the names,
 * so they are insecure): what is asked, what is kept, what counts.
 */
import { describe, expect, it } from 'vitest';
import { FixtureSource, type Fixture } from '../../src/fixtures/fixture.js';
import { checkMail } from '../../src/mail/check-mail.js';
import { decideHost } from '../../src/mail/dane.js';
import { tlsaFact } from '../../src/mail/facts.js';
import { parseAnchorText } from '../../src/dnssec/anchors.js';
import { createValidator } from '../../src/validator/validator.js';

const ANCHOR = 'elsewhere. IN DS 1 13 2 0000000000000000000000000000000000000000000000000000000000000000';

function validatorFor(exchanges: { name: string; type: string; text: string }[]) {
  const fixture: Fixture = { format: 'dnssec-stub-fixture', version: 1, time: 1_700_000_000, trustAnchors: [ANCHOR], exchanges };
  return createValidator({ source: new FixtureSource(fixture), trustAnchors: parseAnchorText(ANCHOR, 'test'), clock: () => fixture.time });
}

describe('RFC 7672 facts: TLSA records', () => {
  it('§2.2, §3.1: a TLSA record too short to read (2 octets) is kept as an unusable record, so the RRset is not "no TLSA records"', async () => {
    const v = validatorFor([{ name: '_25._tcp.mx.short.test.', type: 'TLSA', text: '_25._tcp.mx.short.test. 300 IN TLSA \\# 2 0301' }]);
    const t = await tlsaFact(v, 'mx.short.test.');
    expect(t.records).toHaveLength(1);
    expect(t.records[0]!.usable).toBe(false);
    expect(t.records[0]!.problem).toMatch(/shorter than 3 octets/);
    expect(decideHost({ mxStatus: 'secure', addressStatus: 'secure', addressCount: 1, tlsa: [{ name: t.lookup.name, status: 'secure', records: t.records }] }).dane).toBe('encrypt');
  });
});

describe('RFC 7672 facts: TLSA is looked up only where DANE applies (Postfix: no TLSA lookup for a non-DNSSEC MX or host)', () => {
  const base = [
    { name: 'plain.test.', type: 'MX', text: 'plain.test. 300 IN MX 10 mx.plain.test.' },
    { name: 'mx.plain.test.', type: 'A', text: 'mx.plain.test. 300 IN A 192.0.2.1' },
    { name: 'mx.plain.test.', type: 'AAAA', text: ';; Header: QR RCODE=NOERROR\n;; Answer\n' },
    ...['plain.test.', '_dmarc.plain.test.', '_mta-sts.plain.test.', '_smtp._tls.plain.test.'].map((name) => ({ name, type: 'TXT', text: ';; Header: QR RCODE=NXDOMAIN\n;; Answer\n' })),
  ];

  it('§2.2.1, §2.2.2: insecure MX and addresses: no TLSA question is asked, so a failing TLSA server does not turn the report into "error"', async () => {
    // The TLSA question has no answer in the fixture: were it asked, it would be an "error" lookup.
    const v = validatorFor(base);
    const r = await checkMail('plain.test', { validator: v });
    const h = r.hosts[0]!;
    expect([h.dane, h.addresses.status, h.tlsa]).toEqual(['opportunistic', 'insecure', null]);
    expect(r.status).toBe('insecure');
  });

  it('§2.2.1, §2.2.2: a bogus-looking TLSA answer behind an insecure MX is never asked for, so it cannot refuse delivery', async () => {
    const v = validatorFor([...base, { name: '_25._tcp.mx.plain.test.', type: 'TLSA', text: ';; Header: QR RCODE=SERVFAIL\n' }]);
    const r = await checkMail('plain.test', { validator: v });
    expect(r.hosts.map((h) => [h.dane, h.tlsa])).toEqual([['opportunistic', null]]);
    expect(r.summary).toContain('deliver with opportunistic TLS');
  });
});

describe('RFC 5321 §5.1: an MX host without address records cannot be delivered to', () => {
  const txt = ['gone.test.', '_dmarc.gone.test.', '_mta-sts.gone.test.', '_smtp._tls.gone.test.'].map((name) => ({ name, type: 'TXT', text: ';; Header: QR RCODE=NXDOMAIN\n;; Answer\n' }));
  const nx = (name: string, type: string) => ({ name, type, text: ';; Header: QR RCODE=NXDOMAIN\n;; Answer\n' });

  it('a host whose A and AAAA are NXDOMAIN: do-not-deliver, no TLSA asked; the other host carries the mail; the status is not made bogus', async () => {
    const v = validatorFor([
      { name: 'gone.test.', type: 'MX', text: 'gone.test. 300 IN MX 10 mx1.gone.test.\ngone.test. 300 IN MX 20 mx2.gone.test.' },
      nx('mx1.gone.test.', 'A'),
      nx('mx1.gone.test.', 'AAAA'),
      { name: 'mx2.gone.test.', type: 'A', text: 'mx2.gone.test. 300 IN A 192.0.2.2' },
      { name: 'mx2.gone.test.', type: 'AAAA', text: ';; Header: QR RCODE=NOERROR\n;; Answer\n' },
      ...txt,
    ]);
    const r = await checkMail('gone.test', { validator: v });
    expect(r.hosts.map((h) => [h.name, h.dane, h.rfc])).toEqual([
      ['mx1.gone.test.', 'do-not-deliver', 'RFC 5321 §5.1'],
      ['mx2.gone.test.', 'opportunistic', 'RFC 7672 §2.2.1'],
    ]);
    expect(r.hosts[0]!.tlsa).toBeNull();
    expect(r.status).toBe('insecure');
    expect(r.summary).toContain('do not deliver to 1');
  });

  it('the only host has no address: defer, not "deliver"', async () => {
    const v = validatorFor([{ name: 'gone.test.', type: 'MX', text: 'gone.test. 300 IN MX 10 mx1.gone.test.' }, nx('mx1.gone.test.', 'A'), nx('mx1.gone.test.', 'AAAA'), ...txt]);
    const r = await checkMail('gone.test', { validator: v });
    expect(r.summary).toContain('defer: no usable host');
  });
});
