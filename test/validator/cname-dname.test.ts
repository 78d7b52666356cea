/**
 * CNAME (RFC 1034 §3.6.2) and DNAME (RFC 6672) chains: every link is
 * validated in its own zone and the result is the weakest link (RFC 4035
 * §5.3, RFC 6672 §5.3.3). Chains are bounded (MAX_CNAME_CHAIN) and loops end
 * in a bogus verdict.
 *
 * Real data: bitcoin.ninja cname_test → txt_test (secure → secure), and a
 * wildcard-expanded CNAME to a wildcard-expanded TXT (NSEC3 proofs). DNAME,
 * long chains and loops: example.net. signed with the RFC 6605 §6.1 key
 * (test/support/signed-zone.ts); no published vector has them.
 */
import { describe, expect, it } from 'vitest';
import { createValidator } from '../../src/validator/validator.js';
import type { ValidationResult } from '../../src/validator/result.js';
import type { TrustAnchor } from '../../src/dnssec/anchors.js';
import type { RR } from '../../src/wire/message.js';
import { type Name, nameEquals } from '../../src/wire/name.js';
import { RRType, Rcode } from '../../src/wire/rrtype.js';
import { MAX_CNAME_CHAIN, MAX_QUERIES_PER_QUESTION } from '../../src/dnssec/limits.js';
import { RecordPool } from '../support/record-pool.js';
import { makeMessage, n, realChain, realRootAnchors } from '../support/vectors.js';
import { rfc6605Zone } from '../support/signed-zone.js';
import { dsFor, rr } from '../support/signer.js';

function run(pool: RecordPool, anchors: readonly TrustAnchor[], now: number, name: Name | string, type: string): Promise<ValidationResult> {
  return createValidator({ source: pool, trustAnchors: anchors, clock: () => now, prefetch: false }).validate(name, type);
}

const summary = (res: ValidationResult) => res.records.map((r) => `${r.name} ${r.type} ${r.data}`);

describe('CNAME chains from the real bitcoin.ninja data', () => {
  const chain = realChain('chain-bitcoin.ninja-TXT-CNAME.zone');
  const CNAME = 'cname_test.dnssec_proof_tests.bitcoin.ninja.';
  const TXT = 'txt_test.dnssec_proof_tests.bitcoin.ninja.';

  it('CNAME → TXT in the same signed zone: secure, the CNAME first, then the TXT', async () => {
    const res = await run(new RecordPool(chain.records), realRootAnchors(), chain.now, CNAME, 'TXT');
    expect(res.status, JSON.stringify(res.reasons)).toBe('secure');
    expect(summary(res)).toEqual([`${CNAME} CNAME ${TXT}`, `${TXT} TXT "dnssec_prover_test"`]);
    expect(res.chain.some((s) => s.kind === 'cname' && s.status === 'secure')).toBe(true);
  });

  it('asking for the CNAME itself gives only the CNAME', async () => {
    const res = await run(new RecordPool(chain.records), realRootAnchors(), chain.now, CNAME, 'CNAME');
    expect(res.status).toBe('secure');
    expect(summary(res)).toEqual([`${CNAME} CNAME ${TXT}`]);
  });

  it('the target TXT altered after signing: the chain is bogus although the CNAME is fine', async () => {
    const records = chain.records.map((r) => (r.type === RRType.TXT ? { ...r, rdata: r.rdata.map((b, i) => (i === 1 ? b ^ 0x20 : b)) } : r));
    const res = await run(new RecordPool(records), realRootAnchors(), chain.now, CNAME, 'TXT');
    expect(res.status).toBe('bogus');
    expect(res.records).toEqual([]);
    expect(res.reasons[0]?.zone).toBe('bitcoin.ninja.');
  });

  it('the CNAME RRSIG missing: bogus', async () => {
    const records = chain.records.filter((r) => !(r.type === RRType.RRSIG && nameEquals(r.name, n(CNAME))));
    const res = await run(new RecordPool(records), realRootAnchors(), chain.now, CNAME, 'TXT');
    expect(res.status).toBe('bogus');
    expect(res.reasons[0]?.zone).toBeDefined();
  });

  it('a wildcard-expanded CNAME to a wildcard-expanded TXT (NSEC3 proofs for both): secure', async () => {
    const c = realChain('chain-bitcoin.ninja-NSEC3-wildcard.zone');
    const cname = n('asdf.cname_wildcard_test.dnssec_proof_tests.bitcoin.ninja');
    const target = n('cname.wildcard_test.dnssec_proof_tests.bitcoin.ninja');
    // The published TXT is the expansion of *.wildcard_test at asdf.wildcard_test (RRSIG labels 4); its
    // RRSIG covers *.wildcard_test, so the same RRset and RRSIG are the expansion at the CNAME target too.
    const expanded = c.records.filter((r) => nameEquals(r.name, n('asdf.wildcard_test.dnssec_proof_tests.bitcoin.ninja'))).map((r) => ({ ...r, name: target }));
    const denial = c.records.filter((r) => r.type === RRType.NSEC3 || (r.type === RRType.RRSIG && r.rdata[1] === RRType.NSEC3));
    const pool = new RecordPool(c.records);
    pool.fix(cname, RRType.TXT, makeMessage(cname, RRType.TXT, { answer: [...c.records.filter((r) => nameEquals(r.name, cname)), ...expanded], authority: denial }));
    const res = await run(pool, realRootAnchors(), c.now, cname, 'TXT');
    expect(res.status, JSON.stringify(res.reasons)).toBe('secure');
    expect(res.records.map((r) => r.type)).toEqual(['CNAME', 'TXT']);
    expect(res.chain.filter((s) => s.kind === 'wildcard').length).toBeGreaterThanOrEqual(1);
  });
});

describe('signed example.net: DNAME (RFC 6672), secure → insecure, chain bounds, loops', () => {
  const zone = rfc6605Zone();
  const anchors = zone.dsAnchors;
  const validate = (pool: RecordPool, name: string, type = 'A') => run(pool, anchors, zone.now, name, type);

  const dname = zone.sign([rr('old.example.net.', 'DNAME', 'new.example.net.')]);
  const target = zone.sign([rr('www.new.example.net.', 'A', '192.0.2.1')]);
  const synth = rr('www.old.example.net.', 'CNAME', 'www.new.example.net.');
  function dnamePool(answer: RR[], rcode: number = Rcode.NOERROR): RecordPool {
    const pool = new RecordPool([...zone.apex, ...dname, ...target]);
    pool.fix(n('www.old.example.net'), RRType.A, makeMessage(n('www.old.example.net'), RRType.A, { rcode, answer }));
    return pool;
  }

  it('DNAME + synthesized (unsigned) CNAME + target: secure, DNAME, CNAME and A handed out', async () => {
    const res = await validate(dnamePool([...dname, synth, ...target]), 'www.old.example.net.');
    expect(res.status, JSON.stringify(res.reasons)).toBe('secure');
    expect(summary(res)).toEqual(['old.example.net. DNAME new.example.net.', 'www.old.example.net. CNAME www.new.example.net.', 'www.new.example.net. A 192.0.2.1']);
  });

  it('DNAME without the synthesized CNAME (RFC 6672 §3.4: the resolver synthesizes it): secure', async () => {
    const res = await validate(dnamePool([...dname, ...target]), 'www.old.example.net.');
    expect(res.status, JSON.stringify(res.reasons)).toBe('secure');
    expect(res.records.at(-1)?.data).toBe('192.0.2.1');
  });

  it('a synthesized CNAME that does not follow from the DNAME → bogus (RFC 6672 §3.2)', async () => {
    const elsewhere = zone.sign([rr('www.evil.example.net.', 'A', '192.0.2.66')]);
    const res = await validate(dnamePool([...dname, rr('www.old.example.net.', 'CNAME', 'www.evil.example.net.'), ...elsewhere]), 'www.old.example.net.');
    expect(res.status).toBe('bogus');
    expect(res.records).toEqual([]);
  });

  it('the DNAME without its RRSIG → bogus', async () => {
    const res = await validate(dnamePool([dname[0]!, synth, ...target]), 'www.old.example.net.');
    expect(res.status).toBe('bogus');
    expect(res.reasons[0]?.zone).toBe('example.net.');
  });

  it('the DNAME with a broken RRSIG → bogus', async () => {
    const broken = { ...dname[1]!, rdata: dname[1]!.rdata.map((b, i, a) => (i === a.length - 1 ? b ^ 1 : b)) };
    const res = await validate(dnamePool([dname[0]!, broken, synth, ...target]), 'www.old.example.net.');
    expect(res.status).toBe('bogus');
  });

  it('asking for the DNAME itself: secure', async () => {
    const res = await validate(new RecordPool([...zone.apex, ...dname]), 'old.example.net.', 'DNAME');
    expect(res.status, JSON.stringify(res.reasons)).toBe('secure');
    expect(summary(res)).toEqual(['old.example.net. DNAME new.example.net.']);
  });

  it('a substitution longer than 255 octets: YXDOMAIN (RFC 6672 §2.2), the signed DNAME still secure', async () => {
    const long = (c: string) => c.repeat(63);
    const d = zone.sign([rr('d.example.net.', 'DNAME', `${long('a')}.${long('b')}.${long('c')}.example.net.`)]);
    const qname = `${long('x')}.${long('y')}.d.example.net.`;
    const pool = new RecordPool([...zone.apex, ...d]);
    pool.fix(n(qname), RRType.A, makeMessage(n(qname), RRType.A, { rcode: Rcode.YXDOMAIN, answer: d }));
    const res = await validate(pool, qname);
    expect(res.rcode).toBe('YXDOMAIN');
    expect(res.status, JSON.stringify(res.reasons)).toBe('secure');
  });

  it('secure CNAME into a delegation with only unsupported DS digests: insecure', async () => {
    const child = 'child.example.net.';
    const someKey = rr(child, 'DNSKEY', `257 3 13 ${Buffer.from(zone.dnskey.rdata.subarray(4)).toString('base64')}`);
    const records = [
      ...zone.apex,
      ...zone.sign([rr('alias.example.net.', 'CNAME', 'host.child.example.net.'), dsFor(someKey, 99, new Uint8Array(32).fill(7))]),
      rr(child, 'NS', 'ns.child.example.net.'),
      rr(child, 'SOA', 'ns.child.example.net. hostmaster.child.example.net. 1 3600 300 3600000 300'),
      rr('host.child.example.net.', 'A', '192.0.2.44'),
    ];
    const pool = new RecordPool(records);
    // The child's own (unsigned) servers: no DS below its apex.
    pool.fix(n('host.child.example.net'), RRType.DS, makeMessage(n('host.child.example.net'), RRType.DS, { authority: records.filter((r) => r.type === RRType.SOA && nameEquals(r.name, n(child))) }));
    const res = await validate(pool, 'alias.example.net.');
    expect(res.status, JSON.stringify(res.reasons)).toBe('insecure');
    expect(summary(res)).toEqual(['alias.example.net. CNAME host.child.example.net.', 'host.child.example.net. A 192.0.2.44']);
    expect(res.reasons.some((r) => r.zone === child)).toBe(true);
  });

  it('a signed CNAME to a name that does not exist: secure NXDOMAIN with the CNAME (RFC 6604)', async () => {
    const isType = (t: number) => (r: RR) => r.type === t || (r.type === RRType.RRSIG && r.rdata[1] === t);
    const nsec = zone.sign([rr('example.net.', 'NSEC', 'alias.example.net. NS SOA RRSIG NSEC DNSKEY'), rr('alias.example.net.', 'NSEC', 'example.net. CNAME RRSIG NSEC'), rr('example.net.', 'NS', 'ns.example.net.')]);
    const cname = zone.sign([rr('alias.example.net.', 'CNAME', 'nope.example.net.')]);
    const pool = new RecordPool([...zone.apex, ...nsec, ...cname]);
    pool.fix(
      n('alias.example.net'),
      RRType.A,
      makeMessage(n('alias.example.net'), RRType.A, { rcode: Rcode.NXDOMAIN, answer: cname, authority: [...zone.apex.filter(isType(RRType.SOA)), ...nsec.filter(isType(RRType.NSEC))] }),
    );
    const res = await validate(pool, 'alias.example.net.');
    expect(res.status, JSON.stringify(res.reasons)).toBe('secure');
    expect(res.rcode).toBe('NXDOMAIN');
    expect(summary(res)).toEqual(['alias.example.net. CNAME nope.example.net.']);
  });

  it('the same NXDOMAIN without the NSEC proof for the target: bogus', async () => {
    const cname = zone.sign([rr('alias.example.net.', 'CNAME', 'nope.example.net.')]);
    const pool = new RecordPool([...zone.apex, ...cname]);
    const soa = zone.apex.filter((r) => r.type === RRType.SOA || (r.type === RRType.RRSIG && r.rdata[1] === RRType.SOA));
    pool.fix(n('alias.example.net'), RRType.A, makeMessage(n('alias.example.net'), RRType.A, { rcode: Rcode.NXDOMAIN, answer: cname, authority: soa }));
    const res = await validate(pool, 'alias.example.net.');
    expect(res.status).toBe('bogus');
    expect(res.records).toEqual([]);
  });

  /** c0 → c1 → … → c{links}, then an A record; every RRset signed. */
  function chainPool(links: number): RecordPool {
    const records: RR[] = [];
    for (let i = 0; i < links; i++) records.push(rr(`c${i}.example.net.`, 'CNAME', `c${i + 1}.example.net.`));
    records.push(rr(`c${links}.example.net.`, 'A', '192.0.2.99'));
    return new RecordPool([...zone.apex, ...zone.sign(records)]);
  }

  it(`a signed chain of exactly MAX_CNAME_CHAIN (${MAX_CNAME_CHAIN}) links is followed: secure`, async () => {
    const res = await validate(chainPool(MAX_CNAME_CHAIN), 'c0.example.net.');
    expect(res.status, JSON.stringify(res.reasons)).toBe('secure');
    expect(res.records.length).toBe(MAX_CNAME_CHAIN + 1);
  });

  it(`one link more (${MAX_CNAME_CHAIN + 1}): bogus, the reason names the bound, no records`, async () => {
    const pool = chainPool(MAX_CNAME_CHAIN + 1);
    const res = await validate(pool, 'c0.example.net.');
    expect(res.status).toBe('bogus');
    expect(res.records).toEqual([]);
    expect(res.reasons.some((r) => r.text.includes(String(MAX_CNAME_CHAIN)))).toBe(true);
    expect(pool.asked.length).toBeLessThanOrEqual(MAX_QUERIES_PER_QUESTION);
  });

  it('a much longer chain (3 × the bound, several responses): bogus, queries bounded', async () => {
    const pool = chainPool(3 * MAX_CNAME_CHAIN);
    const res = await validate(pool, 'c0.example.net.');
    expect(res.status).toBe('bogus');
    expect(pool.asked.length).toBeLessThanOrEqual(MAX_QUERIES_PER_QUESTION);
  });

  it('a signed CNAME loop a → b → a: bogus', async () => {
    const loop = zone.sign([rr('a.example.net.', 'CNAME', 'b.example.net.'), rr('b.example.net.', 'CNAME', 'a.example.net.')]);
    const pool = new RecordPool([...zone.apex, ...loop]);
    pool.fix(n('a.example.net'), RRType.A, makeMessage(n('a.example.net'), RRType.A, { answer: loop }));
    const res = await validate(pool, 'a.example.net.');
    expect(res.status).toBe('bogus');
    expect(res.reasons.length).toBeGreaterThan(0);
    expect(pool.asked.length).toBeLessThanOrEqual(MAX_QUERIES_PER_QUESTION);
  });

  it('a CNAME to itself: bogus', async () => {
    const self = zone.sign([rr('self.example.net.', 'CNAME', 'self.example.net.')]);
    const pool = new RecordPool([...zone.apex, ...self]);
    pool.fix(n('self.example.net'), RRType.A, makeMessage(n('self.example.net'), RRType.A, { answer: self }));
    const res = await validate(pool, 'self.example.net.');
    expect(res.status).toBe('bogus');
  });

  it('a loop answered one link per response (the source never repeats itself): bogus, queries bounded', async () => {
    const loop = zone.sign([rr('p.example.net.', 'CNAME', 'q.example.net.'), rr('q.example.net.', 'CNAME', 'p.example.net.')]);
    const pool = new RecordPool([...zone.apex, ...loop]);
    for (const [from] of [['p'], ['q']] as const) {
      pool.fix(n(`${from}.example.net`), RRType.A, makeMessage(n(`${from}.example.net`), RRType.A, { answer: loop.filter((r) => nameEquals(r.name, n(`${from}.example.net`))) }));
    }
    const res = await validate(pool, 'p.example.net.');
    expect(res.status).toBe('bogus');
    expect(pool.asked.length).toBeLessThanOrEqual(MAX_QUERIES_PER_QUESTION);
  });
});
