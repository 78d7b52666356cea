/**
 * "This name is no zone cut", learnt from a validated proof (the DS query's NODATA or NXDOMAIN with NSEC, or a
 * CNAME at the name), lives in the key cache no longer than that proof: its TTL and its RRSIGs' validity
 * (RFC 4035 §5.3.3; RFC 8198 §5.4 for denial records). Kept for the parent zone's key lifetime instead, it
 * outlives a re-delegation: the new child zone's signatures are then judged against a cut the validator no
 * longer has any proof of, and answers from the child are bogus until the parent's keys expire (up to a day).
 *
 * World: example.net. signed with the RFC 6605 §6.1 P-256 key. At NOW, www.example.net. is a name of it (its
 * NSEC, "A RRSIG NSEC", expires 100 s later); from NOW + 150 it is a secure child zone (RFC 8080 §6.1 Ed25519
 * key) holding mail.www.example.net.
 */
import { describe, expect, it } from 'vitest';
import { createValidator } from '../../src/validator/validator.js';
import type { ResponseSource } from '../../src/validator/context.js';
import type { Message } from '../../src/wire/message.js';
import type { Name } from '../../src/wire/name.js';
import { RecordPool } from '../support/record-pool.js';
import { ed25519ChildKsk, rfc6605Zone } from '../support/signed-zone.js';
import { dsFor, rr, signAll } from '../support/signer.js';

const P = rfc6605Zone();
const NOW = P.now;
const W = { inception: P.window.inception, expiration: P.window.expiration };
const SOA = rr('example.net.', 'SOA', 'ns.example.net. hostmaster.example.net. 1 3600 300 3600000 300');
const CHILD = 'www.example.net.';
const childKey = ed25519ChildKsk(CHILD);

/** Before: www.example.net. is a name of example.net.; its NSEC and the apex NSEC as given. */
function before(nsec: { ttl?: number; expiration?: number }): RecordPool {
  const opts = nsec.expiration !== undefined ? { expiration: nsec.expiration } : {};
  return new RecordPool([
    P.dnskey,
    P.sigFor([P.dnskey]),
    ...P.sign([SOA]),
    ...P.sign([rr('example.net.', 'NSEC', 'www.example.net. SOA RRSIG NSEC DNSKEY', nsec.ttl)], opts),
    ...P.sign([rr(CHILD, 'NSEC', 'example.net. A RRSIG NSEC', nsec.ttl)], opts),
    ...P.sign([rr(CHILD, 'A', '192.0.2.1')]),
  ]);
}

/** After: www.example.net. is a secure delegation holding mail.www.example.net. */
function after(): RecordPool {
  const parent = P.sign([
    dsFor(childKey.dnskey, 2),
    rr('example.net.', 'NSEC', 'www.example.net. SOA RRSIG NSEC DNSKEY'),
    rr(CHILD, 'NSEC', 'example.net. NS DS RRSIG NSEC'),
  ]);
  const child = signAll(
    [
      childKey.dnskey,
      rr(CHILD, 'SOA', 'ns.www.example.net. hostmaster.www.example.net. 1 3600 300 3600000 300'),
      rr('mail.www.example.net.', 'A', '192.0.2.25'),
      rr(CHILD, 'NSEC', 'mail.www.example.net. NS SOA RRSIG NSEC DNSKEY'),
      rr('mail.www.example.net.', 'NSEC', 'www.example.net. A RRSIG NSEC'),
    ],
    childKey.key,
    W,
  );
  return new RecordPool([P.dnskey, P.sigFor([P.dnskey]), ...P.sign([SOA]), ...parent, rr(CHILD, 'NS', 'ns.www.example.net.'), ...child]);
}

/** A source that can be switched to another pool (the zone as it is now). */
class Switch implements ResponseSource {
  constructor(public pool: RecordPool) {}
  query(name: Name, type: number): Promise<Message> {
    return this.pool.query(name, type);
  }
}

async function redelegated(nsec: { ttl?: number; expiration?: number }, later: number) {
  const src = new Switch(before(nsec));
  let now = NOW;
  const v = createValidator({ source: src, trustAnchors: P.dsAnchors, clock: () => now, prefetch: false });
  // The cut check at www.example.net. (a DS query, NODATA with the NSEC "A RRSIG NSEC") shows it is no cut.
  expect((await v.validate(CHILD, 'A')).status).toBe('secure');
  now = later;
  src.pool = after();
  // A validator that learnt nothing before: the child's data is secure.
  const fresh = await createValidator({ source: after(), trustAnchors: P.dsAnchors, clock: () => later, prefetch: false }).validate('mail.www.example.net.', 'A');
  expect(fresh.status).toBe('secure');
  return v.validate('mail.www.example.net.', 'A');
}

describe('RFC 4035 §5.3.3: a name learnt to be no zone cut is so only while the proof holds', () => {
  it('past the RRSIG expiration of the NSEC that showed it, the name is checked again: the new child zone is secure', async () => {
    const res = await redelegated({ expiration: NOW + 100 }, NOW + 150);
    expect(res.status, JSON.stringify(res.reasons)).toBe('secure');
    expect(res.records.map((r) => r.data)).toEqual(['192.0.2.25']);
  });

  it('past the TTL of the NSEC that showed it (60 s), the name is checked again: the new child zone is secure', async () => {
    const res = await redelegated({ ttl: 60 }, NOW + 150);
    expect(res.status, JSON.stringify(res.reasons)).toBe('secure');
  });

  it('within the proof\'s lifetime the key cache still holds it (no second DS query for the name)', async () => {
    const src = new Switch(before({ ttl: 600 }));
    let now = NOW;
    const v = createValidator({ source: src, trustAnchors: P.dsAnchors, clock: () => now, prefetch: false, resultCacheSize: 0 });
    expect((await v.validate(CHILD, 'A')).status).toBe('secure');
    now = NOW + 300;
    const asked = src.pool.asked.length;
    expect((await v.validate(CHILD, 'A')).status).toBe('secure');
    expect(src.pool.asked.slice(asked)).not.toContain('www.example.net.|43');
  });
});
