/**
 * A delegation whose DS set has only unsupported digests is insecure (RFC 6840 §5.2) — on the word of the
 * parent's keys, which validated that DS set. The insecure key entry for the child must not outlive those keys
 * (as every other entry does: "data lives no longer than the keys that vouch for it"): once the parent's
 * DNSKEY RRSIG has expired, a fresh validation is bogus, and the cached entry must not keep saying insecure
 * (an insecure verdict where bogus is due, RFC 4035 §5.3.1, §5.3.3).
 *
 * World: example.net. signed with the RFC 6605 §6.1 P-256 key, its DNSKEY RRSIG expiring 100 s after NOW;
 * child.example.net. delegated with one DS of digest type 99 (unsupported) and TTL 3600, served unsigned.
 */
import { describe, expect, it } from 'vitest';
import { createValidator } from '../../src/validator/validator.js';
import { RRType } from '../../src/wire/rrtype.js';
import { nameEquals } from '../../src/wire/name.js';
import { RecordPool } from '../support/record-pool.js';
import { rfc6605Zone } from '../support/signed-zone.js';
import { dsFor, rr } from '../support/signer.js';
import { makeMessage, n } from '../support/vectors.js';

const P = rfc6605Zone();
const NOW = P.now;
const CHILD = 'child.example.net.';

function world(): RecordPool {
  const someKey = rr(CHILD, 'DNSKEY', `257 3 13 ${Buffer.from(P.dnskey.rdata.subarray(4)).toString('base64')}`);
  const soa = rr('example.net.', 'SOA', 'ns.example.net. hostmaster.example.net. 1 3600 300 3600000 300');
  const childSoa = rr(CHILD, 'SOA', 'ns.child.example.net. hostmaster.child.example.net. 1 3600 300 3600000 300');
  const records = [
    P.dnskey,
    P.sigFor([P.dnskey], { expiration: NOW + 100 }),
    ...P.sign([soa]),
    ...P.sign([dsFor(someKey, 99, new Uint8Array(32).fill(7))]),
    rr(CHILD, 'NS', 'ns.child.example.net.'),
    childSoa,
    rr('host.child.example.net.', 'A', '192.0.2.44'),
    rr('host2.child.example.net.', 'A', '192.0.2.45'),
  ];
  const pool = new RecordPool(records);
  // The child's own (unsigned) servers: no DS below its apex.
  for (const host of ['host.child.example.net.', 'host2.child.example.net.']) {
    pool.fix(n(host), RRType.DS, makeMessage(n(host), RRType.DS, { authority: records.filter((r) => r.type === RRType.SOA && nameEquals(r.name, n(CHILD))) }));
  }
  return pool;
}

describe('RFC 6840 §5.2: an insecure delegation (unsupported DS digests) lasts no longer than the parent keys that showed it', () => {
  it('after the parent DNSKEY RRSIG expired, a name in the child is bogus as for a validator that learnt nothing, not insecure', async () => {
    const pool = world();
    let now = NOW;
    const v = createValidator({ source: pool, trustAnchors: P.dsAnchors, clock: () => now, prefetch: false });
    const first = await v.validate('host.child.example.net.', 'A');
    expect(first.status, JSON.stringify(first.reasons)).toBe('insecure');
    expect(first.ttl).toBeLessThanOrEqual(100);
    const later = NOW + 150;
    const fresh = await createValidator({ source: world(), trustAnchors: P.dsAnchors, clock: () => later, prefetch: false }).validate('host2.child.example.net.', 'A');
    expect(fresh.status).toBe('bogus');
    now = later;
    const res = await v.validate('host2.child.example.net.', 'A');
    expect(res.status, JSON.stringify(res.reasons)).toBe('bogus');
  });
});
