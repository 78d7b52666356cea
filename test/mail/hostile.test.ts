/**
 * checkMail on hostile or odd input (hand-written responses in a fixture,
 * no trust anchor above the names, so the answers are insecure): never a
 * throw, never secure, bounded work.
 */
import { describe, expect, it } from 'vitest';
import { FixtureSource, type Fixture } from '../../src/fixtures/fixture.js';
import { checkMail } from '../../src/mail/check-mail.js';
import { MAX_MX_HOSTS, tlsaFact } from '../../src/mail/facts.js';
import { parseAnchorText } from '../../src/dnssec/anchors.js';
import { createValidator } from '../../src/validator/validator.js';

const ANCHOR = 'elsewhere. IN DS 1 13 2 0000000000000000000000000000000000000000000000000000000000000000';

function validatorFor(exchanges: { name: string; type: string; text: string }[]) {
  const fixture: Fixture = { format: 'dnssec-stub-fixture', version: 1, time: 1_700_000_000, trustAnchors: [ANCHOR], exchanges };
  return createValidator({ source: new FixtureSource(fixture), trustAnchors: parseAnchorText(ANCHOR, 'test'), clock: () => fixture.time });
}

describe('checkMail on hostile answers', () => {
  it(`an MX RRset of 100 records: at most ${MAX_MX_HOSTS} hosts, lowest preference first`, async () => {
    const mx = Array.from({ length: 100 }, (_, i) => `many.test. 300 IN MX ${100 - i} mx${i}.many.test.`).join('\n');
    const v = validatorFor([{ name: 'many.test.', type: 'MX', text: mx }]);
    const r = await checkMail('many.test', { validator: v });
    expect(r.mx.status).toBe('insecure');
    expect(r.hosts).toHaveLength(MAX_MX_HOSTS);
    expect(r.hosts.map((h) => h.preference)).toEqual(Array.from({ length: MAX_MX_HOSTS }, (_, i) => i + 1));
    // The hosts' questions are not in the fixture: no answer, so do-not-deliver (RFC 7672 §2.1.2), status error.
    expect(r.hosts.every((h) => h.dane === 'do-not-deliver')).toBe(true);
    expect(r.status).toBe('bogus');
  });

  it('a null MX beside another MX is not a null MX (RFC 7505 §3): the "." exchange is skipped', async () => {
    const v = validatorFor([{ name: 'mixed.test.', type: 'MX', text: 'mixed.test. 300 IN MX 0 .\nmixed.test. 300 IN MX 10 mx.mixed.test.' }]);
    const r = await checkMail('mixed.test', { validator: v });
    expect(r.mx.nullMx).toBe(false);
    expect(r.hosts.map((h) => h.name)).toEqual(['mx.mixed.test.']);
  });

  it('an MX exchange whose TLSA name would be too long is a failed lookup, not a crash', async () => {
    const long = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(55)}.`;
    const v = validatorFor([{ name: 'long.test.', type: 'MX', text: `long.test. 300 IN MX 10 ${long}` }]);
    const r = await checkMail('long.test', { validator: v });
    // No address answer in the fixture: do-not-deliver; TLSA is not asked for such a host (RFC 7672 §2.2.2).
    expect(r.hosts[0]!.dane).toBe('do-not-deliver');
    const t = await tlsaFact(v, long);
    expect([t.lookup.status, t.records]).toEqual(['error', []]);
  });

  it('a domain that is not a name rejects with ValidationInputError', async () => {
    await expect(checkMail('a..b', { validator: validatorFor([]) })).rejects.toThrow(/invalid domain name/);
  });
});
