/**
 * Insecure answers (RFC 4035 §4.3, §5.2): a signed proof that the chain of
 * trust ends at a delegation. Each insecure result hands out its data and
 * carries a reason naming the zone where security ends.
 *
 *  - NSEC insecure delegation: RFC 4035 B.5 (b.example, NS without DS)
 *  - NSEC3 Opt-Out delegation: RFC 5155 B.3 (c.example)
 *  - a signed DS RRset whose records all use unsupported digest types or
 *    algorithms (RFC 4035 §5.2, RFC 6840 §5.2). No published vector has
 *    one, so the DS RRset is signed here with the RFC 6605 §6.1 key (see
 *    test/support/signed-zone.ts); a DS set that merely fails to verify
 *    stays bogus.
 *  - NSEC3 iteration counts above MAX_NSEC3_ITERATIONS (RFC 9276 §3.2: insecure, EDE 27).
 */
import { describe, expect, it } from 'vitest';
import { createValidator } from '../../src/validator/validator.js';
import type { ValidationResult } from '../../src/validator/result.js';
import type { TrustAnchor } from '../../src/dnssec/anchors.js';
import type { ResponseSource } from '../../src/validator/context.js';
import type { RR } from '../../src/wire/message.js';
import { nameEquals } from '../../src/wire/name.js';
import { RRType } from '../../src/wire/rrtype.js';
import { EDE } from '../../src/types.js';
import { MAX_NSEC3_ITERATIONS } from '../../src/dnssec/limits.js';
import { nsec3Hash } from '../../src/crypto/index.js';
import { base32hexEncode } from '../../src/wire/base32hex.js';
import { nameToCanonicalWire } from '../../src/wire/name.js';
import { RecordPool, readShared } from '../support/record-pool.js';
import { anchorsFrom, makeMessage, n, rfcZone, rrsetWithSigs, sectionedMessage } from '../support/vectors.js';
import { rfc6605Zone } from '../support/signed-zone.js';
import { dsFor, rr } from '../support/signer.js';

function validate(source: ResponseSource, anchors: readonly TrustAnchor[], now: number, name: string, type: string): Promise<ValidationResult> {
  return createValidator({ source, trustAnchors: anchors, clock: () => now, prefetch: false }).validate(name, type);
}

function expectInsecure(res: ValidationResult, zone: string, ede?: number): void {
  expect(res.status, JSON.stringify(res.reasons)).toBe('insecure');
  expect(res.records.length).toBeGreaterThan(0);
  expect(res.reasons.some((r) => r.zone === zone), JSON.stringify(res.reasons)).toBe(true);
  if (ede !== undefined) expect(res.reasons.find((r) => r.zone === zone)!.ede).toBe(ede);
}

describe('insecure delegations proven by NSEC and NSEC3', () => {
  it('NSEC (RFC 4035 B.5): ns1.b.example A, below the unsigned delegation b.example', async () => {
    const z = rfcZone('rfc4035-A-signed-zone.zone');
    const b5 = sectionedMessage(readShared('vectors/rfc/rfc4035-B5-referral-unsigned.txt'), 'rfc4035-B5');
    const pool = z.pool();
    pool.fix(
      n('b.example'),
      RRType.DS,
      makeMessage(n('b.example'), RRType.DS, { authority: [...rrsetWithSigs(pool.records, n('example'), RRType.SOA), ...rrsetWithSigs(b5.message.authority, n('b.example'), RRType.NSEC)] }),
    );
    pool.fix(n('ns1.b.example'), RRType.DS, makeMessage(n('ns1.b.example'), RRType.DS, {}));
    pool.fix(n('ns1.b.example'), RRType.A, makeMessage(n('ns1.b.example'), RRType.A, { answer: b5.message.additional.filter((r) => nameEquals(r.name, n('ns1.b.example'))) }));
    expectInsecure(await validate(pool, z.dsAnchors, z.now, 'ns1.b.example.', 'A'), 'b.example.');
  });

  it('NSEC3 Opt-Out (RFC 5155 B.3): the referral to c.example', async () => {
    const z = rfcZone('rfc5155-A-signed-zone.zone');
    const { pool, question } = z.poolWith('rfc5155-B3-referral-optout-unsigned.txt');
    const res = await createValidator({ source: pool, trustAnchors: z.dsAnchors, clock: () => z.now, prefetch: false }).validate(question.name, question.type);
    expect(res.status, JSON.stringify(res.reasons)).toBe('insecure');
    expect(res.reasons.some((r) => r.zone === 'example.' || r.zone === 'c.example.')).toBe(true);
  });
});

describe('DS sets with only unsupported digest types or algorithms (RFC 6840 §5.2)', () => {
  const zone = rfc6605Zone();
  const child = 'child.example.net.';
  /** child.example.net.: delegated (NS, unsigned), its own data unsigned; the DS RRset is signed by example.net. */
  function poolWithDs(ds: RR[], opts: { signDs?: boolean } = {}): RecordPool {
    const delegation = [rr(child, 'NS', 'ns.child.example.net.')];
    const childData = [rr(child, 'SOA', 'ns.child.example.net. hostmaster.child.example.net. 1 3600 300 3600000 300'), rr(child, 'TXT', '"unsigned child data"')];
    const signedDs = opts.signDs === false ? ds : zone.sign(ds);
    return new RecordPool([...zone.apex, ...signedDs, ...delegation, ...childData]);
  }
  // A DS "for" a key the child never publishes: the digest bytes only matter for supported digest types.
  const someKey = rr(child, 'DNSKEY', `257 3 13 ${Buffer.from(zone.dnskey.rdata.subarray(4)).toString('base64')}`);

  it('sanity: the zone itself is secure from the RFC 6605 DS anchor', async () => {
    const res = await validate(new RecordPool(zone.apex), zone.dsAnchors, zone.now, 'example.net.', 'SOA');
    expect(res.status, JSON.stringify(res.reasons)).toBe('secure');
  });

  it('digest type 99 only → insecure, EDE 2, zone child.example.net.', async () => {
    const ds = [dsFor(someKey, 99, new Uint8Array(32).fill(0xab))];
    expectInsecure(await validate(poolWithDs(ds), zone.dsAnchors, zone.now, child, 'TXT'), child, EDE.UNSUPPORTED_DS_DIGEST_TYPE);
  });

  it('two DS records, digest types 99 and 200 → insecure', async () => {
    const ds = [dsFor(someKey, 99, new Uint8Array(32).fill(1)), dsFor(someKey, 200, new Uint8Array(48).fill(2))];
    expectInsecure(await validate(poolWithDs(ds), zone.dsAnchors, zone.now, child, 'TXT'), child, EDE.UNSUPPORTED_DS_DIGEST_TYPE);
  });

  it('algorithm 253 (PRIVATEDNS, not implemented) only → insecure, EDE 1', async () => {
    const ds = [dsFor(rr(child, 'DNSKEY', '257 3 253 AQID'), 2)];
    expectInsecure(await validate(poolWithDs(ds), zone.dsAnchors, zone.now, child, 'TXT'), child, EDE.UNSUPPORTED_DNSKEY_ALGORITHM);
  });

  it('algorithm 3 (DSA: RFC 8624 says MUST NOT validate) only → insecure', async () => {
    const ds = [dsFor(rr(child, 'DNSKEY', '257 3 3 AQID'), 2)];
    expectInsecure(await validate(poolWithDs(ds), zone.dsAnchors, zone.now, child, 'TXT'), child);
  });

  it('one unsupported DS and one supported DS the child key does not match → bogus (the supported one counts)', async () => {
    const ds = [dsFor(someKey, 99, new Uint8Array(32).fill(3)), dsFor(someKey, 2)];
    const res = await validate(poolWithDs(ds), zone.dsAnchors, zone.now, child, 'TXT');
    expect(res.status, JSON.stringify(res.reasons)).toBe('bogus');
    expect(res.reasons[0]?.zone).toBe(child);
  });

  it('the unsupported-digest DS set without its RRSIG → bogus, not insecure', async () => {
    const ds = [dsFor(someKey, 99, new Uint8Array(32).fill(4))];
    const res = await validate(poolWithDs(ds, { signDs: false }), zone.dsAnchors, zone.now, child, 'TXT');
    expect(res.status, JSON.stringify(res.reasons)).toBe('bogus');
    expect(res.reasons[0]?.zone).toBeDefined();
  });

  it('the unsupported-digest DS set with a broken RRSIG → bogus, not insecure', async () => {
    const ds = [dsFor(someKey, 99, new Uint8Array(32).fill(5))];
    const signed = zone.sign(ds).map((r) => {
      if (r.type !== RRType.RRSIG) return r;
      const rdata = r.rdata.slice();
      rdata[rdata.length - 1]! ^= 1;
      return { ...r, rdata };
    });
    const res = await validate(poolWithDs(signed, { signDs: false }), zone.dsAnchors, zone.now, child, 'TXT');
    expect(res.status, JSON.stringify(res.reasons)).toBe('bogus');
    expect(res.reasons[0]?.zone).toBe('example.net.');
  });
});

describe('a trust anchor with only unsupported digests (RFC 4035 §5, RFC 6840 §5.2)', () => {
  it('anchor DS of example.net. with digest type 99 → insecure, reason names example.net.', async () => {
    const zone = rfc6605Zone();
    const anchor = anchorsFrom([`example.net. IN DS 55648 13 99 ${'ab'.repeat(32)}`], 'test anchor');
    const res = await validate(new RecordPool(zone.apex), anchor, zone.now, 'example.net.', 'SOA');
    expectInsecure(res, 'example.net.');
  });
});

/**
 * RFC 9276 §3.2: a validator may treat NSEC3 records with more iterations
 * than it accepts as insecure (EDE 27). example.net. is given a one-record
 * NSEC3 chain (the apex hash pointing to itself: it matches the apex and
 * covers every other hash), signed with the RFC 6605 key.
 */
describe(`NSEC3 iterations above MAX_NSEC3_ITERATIONS (${MAX_NSEC3_ITERATIONS}) → insecure (RFC 9276 §3.2)`, () => {
  const zone = rfc6605Zone();
  function nsec3Pool(iterations: number): RecordPool {
    const h = base32hexEncode(nsec3Hash(nameToCanonicalWire(n('example.net')), new Uint8Array(0), iterations)).toLowerCase();
    const nsec3 = rr(`${h}.example.net.`, 'NSEC3', `1 0 ${iterations} - ${h.toUpperCase()} NS SOA RRSIG DNSKEY NSEC3PARAM`, 300);
    return new RecordPool([...zone.apex, ...zone.sign([nsec3, rr('example.net.', 'NS', 'ns.example.net.')])]);
  }
  for (const [label, name, type] of [
    ['NXDOMAIN', 'nope.example.net.', 'A'],
    ['NODATA', 'example.net.', 'TXT'],
  ] as const) {
    it(`${label} with ${MAX_NSEC3_ITERATIONS} iterations: secure`, async () => {
      const res = await validate(nsec3Pool(MAX_NSEC3_ITERATIONS), zone.dsAnchors, zone.now, name, type);
      expect(res.status, JSON.stringify(res.reasons)).toBe('secure');
    });
    it(`${label} with ${MAX_NSEC3_ITERATIONS + 1} iterations: insecure, EDE 27, zone example.net.`, async () => {
      const res = await validate(nsec3Pool(MAX_NSEC3_ITERATIONS + 1), zone.dsAnchors, zone.now, name, type);
      expect(res.status, JSON.stringify(res.reasons)).toBe('insecure');
      expect(res.reasons.some((r) => r.ede === EDE.UNSUPPORTED_NSEC3_ITERATIONS && r.zone === 'example.net.'), JSON.stringify(res.reasons)).toBe(true);
    });
  }
  it('a broken RRSIG on the high-iteration NSEC3 is still bogus (the signature is checked first)', async () => {
    const pool = nsec3Pool(MAX_NSEC3_ITERATIONS + 1);
    const broken = new RecordPool(
      pool.records.map((r) => (r.type === RRType.RRSIG && r.rdata[1] === RRType.NSEC3 ? { ...r, rdata: r.rdata.map((b, i, a) => (i === a.length - 1 ? b ^ 1 : b)) } : r)),
    );
    const res = await validate(broken, zone.dsAnchors, zone.now, 'nope.example.net.', 'A');
    expect(res.status, JSON.stringify(res.reasons)).toBe('bogus');
  });
});

/**
 * RFC 5155 §8.9: an NSEC3 matching the delegation name with NS set and DS
 * (and SOA) clear proves an insecure delegation; with DS set, or SOA set
 * (the child's apex), it proves nothing of the kind. example.net. gets a
 * two-record NSEC3 chain (apex, child), iterations 0, no salt.
 */
describe('NSEC3 matching the delegation (RFC 5155 §8.9)', () => {
  const zone = rfc6605Zone();
  const child = 'child.example.net.';
  const hashOf = (name: string) => base32hexEncode(nsec3Hash(nameToCanonicalWire(n(name)), new Uint8Array(0), 0)).toLowerCase();
  function nsec3Pool(childTypes: string): RecordPool {
    const entries = [
      { h: hashOf('example.net.'), types: 'NS SOA RRSIG DNSKEY NSEC3PARAM' },
      { h: hashOf(child), types: childTypes },
    ].sort((a, b) => (a.h < b.h ? -1 : 1));
    const chain = entries.map((e, i) => rr(`${e.h}.example.net.`, 'NSEC3', `1 0 0 - ${entries[(i + 1) % entries.length]!.h.toUpperCase()} ${e.types}`, 300));
    const pool = new RecordPool([
      ...zone.apex,
      ...zone.sign([...chain, rr('example.net.', 'NS', 'ns.example.net.')]),
      rr(child, 'NS', 'ns.child.example.net.'),
      rr(child, 'SOA', 'ns.child.example.net. hostmaster.child.example.net. 1 3600 300 3600000 300'),
      rr(`www.${child}`, 'A', '192.0.2.9'),
    ]);
    // Names below the cut are answered by the child's own (unsigned) servers.
    pool.fix(n(`www.${child}`), RRType.DS, makeMessage(n(`www.${child}`), RRType.DS, {}));
    return pool;
  }

  it('NS set, DS clear → insecure, the reason names child.example.net.', async () => {
    expectInsecure(await validate(nsec3Pool('NS'), zone.dsAnchors, zone.now, `www.${child}`, 'A'), child);
  });
  it('NS and DS set (the DS was stripped) → bogus', async () => {
    const res = await validate(nsec3Pool('NS DS'), zone.dsAnchors, zone.now, `www.${child}`, 'A');
    expect(res.status, JSON.stringify(res.reasons)).toBe('bogus');
    expect(res.reasons[0]?.zone).toBe('example.net.');
  });
  it('NS and SOA set (the child apex NSEC3) → bogus', async () => {
    const res = await validate(nsec3Pool('NS SOA'), zone.dsAnchors, zone.now, `www.${child}`, 'A');
    expect(res.status, JSON.stringify(res.reasons)).toBe('bogus');
  });
});
