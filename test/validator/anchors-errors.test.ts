/**
 * Trust anchors (RFC 4035 §5: the anchor zone's DNSKEY RRset must be signed
 * by a key the anchor names; RFC 4033 §2 / RFC 5011: several anchors, any
 * one suffices) and failures that are not verdicts: an upstream that
 * answers SERVFAIL/REFUSED or cannot be reached gives a rejection
 * (UpstreamError), bad input a ValidationInputError — never a made-up
 * secure/insecure/bogus.
 */
import { describe, expect, it } from 'vitest';
import { createValidator, ValidationInputError } from '../../src/validator/validator.js';
import { UpstreamError } from '../../src/validator/result.js';
import type { ResponseSource } from '../../src/validator/context.js';
import type { TrustAnchor } from '../../src/dnssec/anchors.js';
import { keyTag, readRrsig } from '../../src/dnssec/records.js';
import { RRType, Rcode } from '../../src/wire/rrtype.js';
import { EDE } from '../../src/types.js';
import { RecordPool, readShared } from '../support/record-pool.js';
import { anchorsFrom, makeMessage, n, realChain, rfcZone } from '../support/vectors.js';

const z = rfcZone('rfc4035-A-signed-zone.zone');
const records = z.pool().records;
const dnskeySigTag = (r: (typeof records)[number]) => (r.type === RRType.RRSIG && r.name.length === 1 && readRrsig(r.rdata)?.typeCovered === RRType.DNSKEY ? readRrsig(r.rdata)!.keyTag : undefined);
const KSK_TAG = keyTag(z.dnskeyAnchors[0]!.dnskeys[0]!.rdata);

function validate(source: ResponseSource, anchors: readonly TrustAnchor[], name = 'xx.example.', type = 'A', now = z.now) {
  return createValidator({ source, trustAnchors: anchors, clock: () => now, prefetch: false }).validate(name, type);
}

describe('trust anchors (RFC 4035 §5)', () => {
  it('the header states the KSK key tag the tests rely on', () => {
    expect(z.zoneText).toMatch(new RegExp(`key tag ${KSK_TAG}`));
  });

  for (const [kind, anchors] of [
    ['DS', z.dsAnchors],
    ['DNSKEY', z.dnskeyAnchors],
  ] as const) {
    it(`anchor as ${kind}: the DNSKEY RRset signed only by the ZSK (not by the anchor key) → bogus, zone example.`, async () => {
      const pool = new RecordPool(records.filter((r) => dnskeySigTag(r) !== KSK_TAG));
      const res = await validate(pool, anchors);
      expect(res.status, JSON.stringify(res.reasons)).toBe('bogus');
      expect(res.reasons[0]?.zone).toBe('example.');
    });

    it(`anchor as ${kind}: the anchor key absent from the served DNSKEY RRset → bogus, EDE 9`, async () => {
      const pool = new RecordPool(records.filter((r) => !(r.type === RRType.DNSKEY && r.rdata[1] === 1)));
      const res = await validate(pool, anchors);
      expect(res.status).toBe('bogus');
      expect(res.reasons[0]?.ede).toBe(EDE.DNSKEY_MISSING);
      expect(res.reasons[0]?.zone).toBe('example.');
    });
  }

  it('an anchor set with an extra DS that matches nothing: still secure (any anchor key suffices)', async () => {
    const anchors = anchorsFrom([headerDs('2'), `example. IN DS 12345 8 2 ${'00'.repeat(32)}`], 'test anchors');
    const res = await validate(z.pool(), anchors);
    expect(res.status, JSON.stringify(res.reasons)).toBe('secure');
  });

  it('the SHA-1 DS form of the anchor alone: secure', async () => {
    const res = await validate(z.pool(), anchorsFrom([headerDs('1')], 'test anchors'));
    expect(res.status, JSON.stringify(res.reasons)).toBe('secure');
  });

  it('both root KSKs (20326 and 38696) as anchors: the 2024 real chain is secure', async () => {
    const text = readShared('vectors/real/root-trust-anchors.txt');
    const ds = text.split('\n').filter((l) => /^\. IN DS (20326|38696) /.test(l));
    expect(ds.length).toBe(2);
    const c = realChain('chain-mattcorallo.com-TXT.zone');
    const res = await validate(new RecordPool(c.records), anchorsFrom(ds, 'root-trust-anchors.txt'), 'matt.user._bitcoin-payment.mattcorallo.com.', 'TXT', c.now);
    expect(res.status, JSON.stringify(res.reasons)).toBe('secure');
  });
});

/** The header's DS form of the anchor with the given digest type. */
function headerDs(digestType: string): string {
  const m = new RegExp(`example\\. DS (\\d+ 5 ${digestType} [0-9a-f]+)`).exec(z.zoneText);
  if (!m) throw new Error(`no DS digest type ${digestType} in the header`);
  return `example. IN DS ${m[1]}`;
}

describe('no answer is not a verdict: rejections', () => {
  it('SERVFAIL to the question → UpstreamError', async () => {
    const pool = z.pool();
    pool.fix(n('xx.example'), RRType.A, makeMessage(n('xx.example'), RRType.A, { rcode: Rcode.SERVFAIL }));
    await expect(validate(pool, z.dsAnchors)).rejects.toBeInstanceOf(UpstreamError);
  });

  it('REFUSED to the DNSKEY query of the chain → UpstreamError naming it (no answer is no verdict; Unbound says SERVFAIL, val_faildnskey)', async () => {
    const pool = z.pool();
    pool.fix(n('example'), RRType.DNSKEY, makeMessage(n('example'), RRType.DNSKEY, { rcode: Rcode.REFUSED }));
    await expect(validate(pool, z.dsAnchors)).rejects.toBeInstanceOf(UpstreamError);
    await expect(validate(pool, z.dsAnchors)).rejects.toThrow(/REFUSED to example\. DNSKEY/);
  });

  it('a source that throws → UpstreamError carrying the message', async () => {
    const broken: ResponseSource = {
      query: async () => {
        throw new Error('network unreachable');
      },
    };
    await expect(validate(broken, z.dsAnchors)).rejects.toThrow(/network unreachable/);
    await expect(validate(broken, z.dsAnchors)).rejects.toBeInstanceOf(UpstreamError);
  });

  it('a bad name or type → ValidationInputError, before any query', async () => {
    const pool = z.pool();
    await expect(validate(pool, z.dsAnchors, 'bad..name.', 'A')).rejects.toBeInstanceOf(ValidationInputError);
    await expect(validate(pool, z.dsAnchors, 'xx.example.', 'NOSUCHTYPE')).rejects.toBeInstanceOf(ValidationInputError);
    expect(pool.asked).toEqual([]);
  });
});
