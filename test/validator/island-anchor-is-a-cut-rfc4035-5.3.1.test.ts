/**
 * A trust anchor below a signer is a zone cut, whatever the signer's own proofs say about the names between
 * (RFC 4035 §5.3.1: the signer must be THE zone of the name; §4.4: an island of trust is judged from its own
 * anchor). The walk skips the DS query at names that validated NSEC records prove absent (they are no cuts),
 * but in a split horizon the public parent really has no such name while a private island lies below it: the
 * absence proves nothing about the anchor.
 *
 * World: the public example.net. (RFC 6605 §6.1 P-256 key, anchored) has a wildcard *.example.net. A and no
 * corp.example.net.; a private island.corp.example.net. (RFC 8080 §6.1 Ed25519 key, its own DNSKEY anchor)
 * holds www.island.corp.example.net. A 10.0.0.5. An attacker on the path answers the island name with the
 * public wildcard's expansion and the public NSEC that proves no closer name, all genuinely signed.
 */
import { describe, expect, it } from 'vitest';
import { createValidator } from '../../src/validator/validator.js';
import type { TrustAnchor } from '../../src/dnssec/anchors.js';
import type { RR } from '../../src/wire/message.js';
import { RRType } from '../../src/wire/rrtype.js';
import { RecordPool, readShared } from '../support/record-pool.js';
import { rfc6605Zone } from '../support/signed-zone.js';
import { rr, signAll, signingKey } from '../support/signer.js';
import { makeMessage, n, vectorRecords } from '../support/vectors.js';

const P = rfc6605Zone();
const W = { inception: P.window.inception, expiration: P.window.expiration };
const ISLAND = 'island.corp.example.net.';
const WWW = 'www.island.corp.example.net.';
const ED_TEXT = readShared('vectors/rfc/rfc8080-6.1-ed25519-example1.txt');
const islandKey = (() => {
  const source = vectorRecords(ED_TEXT).find((r) => r.type === RRType.DNSKEY)!;
  const rdata = source.rdata.slice();
  rdata[0] = 1; // flags 257: zone key, SEP
  rdata[1] = 1;
  const dnskey: RR = { ...source, name: n(ISLAND), rdata };
  return { dnskey, key: signingKey(dnskey, ED_TEXT) };
})();

const publicNsecs = P.sign([
  rr('example.net.', 'NSEC', '*.example.net. SOA RRSIG NSEC DNSKEY'),
  rr('*.example.net.', 'NSEC', 'www.example.net. A RRSIG NSEC'),
  rr('www.example.net.', 'NSEC', 'example.net. A RRSIG NSEC'),
]);

function world(): RecordPool {
  const island = signAll(
    [
      islandKey.dnskey,
      rr(ISLAND, 'SOA', 'ns.island.corp.example.net. hostmaster.island.corp.example.net. 1 3600 300 3600000 300'),
      rr(WWW, 'A', '10.0.0.5'),
      rr(ISLAND, 'NSEC', 'www.island.corp.example.net. SOA RRSIG NSEC DNSKEY'),
      rr(WWW, 'NSEC', 'island.corp.example.net. A RRSIG NSEC'),
    ],
    islandKey.key,
    W,
  );
  return new RecordPool([...P.apex, ...publicNsecs, ...P.sign([rr('www.example.net.', 'A', '192.0.2.1')]), ...island]);
}

/** The public wildcard *.example.net. A expanded at `qname` (RRSIG labels 2), with the NSEC for no closer name. */
function publicExpansion(qname: string) {
  const a = rr(qname, 'A', '192.0.2.99');
  const sig = P.sigFor([a], { labels: 2 });
  const cover = publicNsecs.filter((r) => r.name.join('.') === '*.example.net' || r.name.join('.') === '*.example.net.');
  return makeMessage(n(qname), RRType.A, { answer: [a, sig], authority: cover });
}

const anchors = (): TrustAnchor[] => [...P.dsAnchors, { zone: n(ISLAND), ds: [], dnskeys: [islandKey.dnskey], source: 'island anchor' }];

describe('RFC 4035 §5.3.1, §4.4: a trust anchor between the signer and the name is a cut', () => {
  it('the island answers for itself: www.island.corp.example.net. A is secure 10.0.0.5', async () => {
    const v = createValidator({ source: world(), trustAnchors: anchors(), clock: () => P.now, prefetch: false });
    const res = await v.validate(WWW, 'A');
    expect(res.status, JSON.stringify(res.reasons)).toBe('secure');
    expect(res.records.map((r) => r.data)).toEqual(['10.0.0.5']);
  });

  it('the public wildcard expansion is genuine for a public name (the NSEC proves no closer name)', async () => {
    const pool = world();
    pool.fix(n('other.example.net.'), RRType.A, publicExpansion('other.example.net.'));
    const v = createValidator({ source: pool, trustAnchors: anchors(), clock: () => P.now, prefetch: false });
    expect((await v.validate('other.example.net.', 'A')).status).toBe('secure');
  });

  it('the public wildcard expansion put in for the island name is not secure: the island anchor is a cut the public NSEC cannot rule out', async () => {
    const pool = world();
    pool.fix(n(WWW), RRType.A, publicExpansion(WWW));
    const v = createValidator({ source: pool, trustAnchors: anchors(), clock: () => P.now, prefetch: false });
    const res = await v.validate(WWW, 'A');
    expect(res.status, JSON.stringify(res.reasons)).toBe('bogus');
    expect(res.records).toEqual([]);
  });

  it('nor when the public NXDOMAIN for corp.example.net. was learnt first (RFC 8198 cache)', async () => {
    const pool = world();
    pool.fix(n(WWW), RRType.A, publicExpansion(WWW));
    const v = createValidator({ source: pool, trustAnchors: anchors(), clock: () => P.now, prefetch: false });
    const nx = await v.validate('corp.example.net.', 'TXT');
    expect(nx.status).not.toBe('bogus');
    const res = await v.validate(WWW, 'A');
    expect(res.status, JSON.stringify(res.reasons)).toBe('bogus');
  });
});
