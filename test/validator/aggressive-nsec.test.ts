/**
 * The validator with RFC 8198 aggressive use of validated NSEC (on by default,
 * `aggressiveNsec: false` turns it off), and the walk that asks only what it
 * must: names a validated proof shows absent need no DS query (RFC 4035
 * §5.3.1 still holds for names that exist).
 *
 * Worlds: the RFC 4035 Appendix A zone with its Appendix B responses, and a
 * small example.net. signed with the RFC 6605 §6.1 key with a secure child
 * child.example.net. (RFC 8080 §6.1 Ed25519 key).
 */
import { describe, expect, it } from 'vitest';
import { createValidator, type ValidatorOptions } from '../../src/validator/validator.js';
import type { ResponseSource } from '../../src/validator/context.js';
import type { RR } from '../../src/wire/message.js';
import { RRType, Rcode } from '../../src/wire/rrtype.js';
import { RecordPool } from '../support/record-pool.js';
import { makeMessage, n, rfcZone } from '../support/vectors.js';
import { ed25519ChildKsk, rfc6605Zone } from '../support/signed-zone.js';
import { dsFor, rr, signAll } from '../support/signer.js';

const A = rfcZone('rfc4035-A-signed-zone.zone');

function rfcValidator(source: ResponseSource, opts: Partial<ValidatorOptions> = {}) {
  return createValidator({ source, trustAnchors: A.dsAnchors, clock: () => A.now, prefetch: false, ...opts });
}

describe('RFC 8198 §5.1, §5.3: answers synthesised from validated NSEC, without a query', () => {
  it('after the B.2 NXDOMAIN for ml.example, NXDOMAIN for mz.example (same NSEC spans) asks nothing', async () => {
    const { pool, question } = A.poolWith('rfc4035-B2-name-error.txt');
    const v = rfcValidator(pool);
    expect((await v.validate(question.name, question.type)).rcode).toBe('NXDOMAIN');
    const before = pool.asked.length;
    const res = await v.validate('mz.example.', 'A');
    expect(res.status).toBe('secure');
    expect(res.rcode).toBe('NXDOMAIN');
    expect(res.ttl).toBeGreaterThan(0);
    expect(res.ttl).toBeLessThanOrEqual(3600);
    expect(pool.asked.length).toBe(before);
    expect(res.chain.some((s) => s.kind === 'denial' && s.status === 'secure' && /RFC 8198/.test(s.note ?? ''))).toBe(true);
  });

  it('with aggressiveNsec: false the same question goes upstream (and is still a secure NXDOMAIN)', async () => {
    const { pool, question } = A.poolWith('rfc4035-B2-name-error.txt');
    const v = rfcValidator(pool, { aggressiveNsec: false });
    await v.validate(question.name, question.type);
    const before = pool.asked.length;
    const res = await v.validate('mz.example.', 'A');
    expect(res.status).toBe('secure');
    expect(res.rcode).toBe('NXDOMAIN');
    expect(pool.asked.slice(before)).toContain('mz.example.|1');
  });

  it('after the B.6 wildcard expansion a.z.w.example MX, b.z.w.example MX is expanded from the kept wildcard', async () => {
    const { pool, question } = A.poolWith('rfc4035-B6-wildcard-expansion.txt');
    const v = rfcValidator(pool);
    expect((await v.validate(question.name, question.type)).status).toBe('secure');
    const before = pool.asked.length;
    const res = await v.validate('b.z.w.example.', 'MX');
    expect(res.status).toBe('secure');
    expect(res.rcode).toBe('NOERROR');
    expect(res.records.map((r) => `${r.name} ${r.type} ${r.data}`)).toEqual(['b.z.w.example. MX 1 ai.example.']);
    expect(pool.asked.length).toBe(before);
    expect(res.chain.some((s) => s.kind === 'wildcard' && /RFC 8198/.test(s.note ?? ''))).toBe(true);
  });

  it('a name that exists is never denied from the cache: ai.example A is asked and secure', async () => {
    const { pool, question } = A.poolWith('rfc4035-B2-name-error.txt');
    const v = rfcValidator(pool);
    await v.validate(question.name, question.type);
    const res = await v.validate('ai.example.', 'A');
    expect(res.status).toBe('secure');
    expect(res.records.length).toBeGreaterThan(0);
  });
});

// example.net. (RFC 6605 §6.1 key) with the secure delegation child.example.net. (RFC 8080 §6.1 Ed25519 key).
const P = rfc6605Zone();
const W = { inception: P.window.inception, expiration: P.window.expiration };
const CHILD = 'child.example.net.';
const childKey = ed25519ChildKsk(CHILD);

function netWorld(): RecordPool {
  const parent = P.sign([
    rr('www.example.net.', 'A', '192.0.2.1'),
    dsFor(childKey.dnskey, 2),
    rr('example.net.', 'NSEC', 'child.example.net. NS SOA RRSIG NSEC DNSKEY'),
    rr(CHILD, 'NSEC', 'www.example.net. NS DS RRSIG NSEC'),
    rr('www.example.net.', 'NSEC', 'example.net. A RRSIG NSEC'),
  ]);
  const child = signAll(
    [
      childKey.dnskey,
      rr(CHILD, 'SOA', 'ns.child.example.net. hostmaster.child.example.net. 1 3600 300 3600000 300'),
      rr('www.child.example.net.', 'A', '192.0.2.80'),
      rr(CHILD, 'NSEC', 'www.child.example.net. NS SOA RRSIG NSEC DNSKEY'),
      rr('www.child.example.net.', 'NSEC', 'child.example.net. A RRSIG NSEC'),
    ],
    childKey.key,
    W,
  );
  return new RecordPool([...P.apex, ...parent, rr(CHILD, 'NS', 'ns.child.example.net.'), ...child]);
}

function netValidator(source: ResponseSource, opts: Partial<ValidatorOptions> = {}) {
  return createValidator({ source, trustAnchors: P.dsAnchors, clock: () => P.now, prefetch: false, ...opts });
}

const soaOf = (recs: readonly RR[]) => recs.filter((r) => r.type === RRType.SOA || (r.type === RRType.RRSIG && ((r.rdata[0]! << 8) | r.rdata[1]!) === RRType.SOA));

describe('RFC 4035 §5.3.1 and the walk that asks only what it must', () => {
  it('a validated NXDOMAIN proves the name absent: no DS query at it, once the zone keys are held', async () => {
    const pool = netWorld();
    const v = netValidator(pool, { aggressiveNsec: false });
    expect((await v.validate('www.example.net.', 'A')).status).toBe('secure');
    const before = pool.asked.length;
    const res = await v.validate('zzz.example.net.', 'A');
    expect(res.status).toBe('secure');
    expect(res.rcode).toBe('NXDOMAIN');
    expect(pool.asked.slice(before)).toEqual(['zzz.example.net.|1']);
  });

  it('a replayed pre-delegation NSEC kept from another answer cannot deny a name in the child zone', async () => {
    // example.net.'s NSEC "child.example.net. -> www.example.net. A": from before child.example.net. was
    // delegated, validly signed, slipped into an otherwise genuine NXDOMAIN for zzz.example.net.
    const pool = netWorld();
    const stale = P.sign([rr(CHILD, 'NSEC', 'www.example.net. A RRSIG NSEC')]);
    const genuine = P.sign([rr('www.example.net.', 'NSEC', 'example.net. A RRSIG NSEC'), rr('example.net.', 'NSEC', 'child.example.net. NS SOA RRSIG NSEC DNSKEY')]);
    pool.fix(n('zzz.example.net.'), RRType.A, makeMessage(n('zzz.example.net.'), RRType.A, { rcode: Rcode.NXDOMAIN, authority: [...soaOf(P.apex), ...genuine, ...stale] }));
    const v = netValidator(pool);
    const nx = await v.validate('zzz.example.net.', 'A');
    expect(nx.status).toBe('secure');
    expect(nx.rcode).toBe('NXDOMAIN');
    // The stale NSEC covers www.child.example.net. and its wildcard; the DS at child.example.net. shows the cut.
    const res = await v.validate('www.child.example.net.', 'A');
    expect(res.status).toBe('secure');
    expect(res.rcode).toBe('NOERROR');
    expect(res.records.map((r) => r.data)).toEqual(['192.0.2.80']);
  });
});
