/**
 * Hostile responses: sizes and shapes an attacker (or a broken upstream) can
 * send, in a zone signed with the key RFC 6605 §6.1 publishes (example.net,
 * anchored by its DS). Every case must finish with a verdict that is not
 * secure, or a typed rejection, with a bounded number of upstream queries
 * (counted in a wrapping source), with and without prefetching.
 *
 *  - names of 127 labels (the most 255 octets hold, RFC 1035 §2.3.4) and the
 *    deepest name under example.net;
 *  - CNAME chains of 100 links in one response, and a CNAME loop;
 *  - 500 RRSIGs on one RRset, also naming 100 different signer zones;
 *  - a DNSKEY RRset of 300 keys (KeyTrap-style key tag collisions);
 *  - a DS RRset of 200 records that match nothing, or only unknown digests;
 *  - NSEC3 with 65535 iterations (RFC 9276 §3.2), 255-octet salts, 100
 *    NSEC3 records, on a 123-label name.
 *
 * Also: a signed answer 32 labels below the anchor (an ip6.arpa PTR name is
 * 34 labels below the root) must be secure with prefetching as without it;
 * hostile questions are refused before any query; a source that throws
 * synchronously or rejects with a non-Error ends as a typed rejection.
 *
 * No timing assertion: the test just awaits (vitest's timeout catches a hang).
 * Last, no unhandled rejection may have fired while all of this ran
 * (prefetching starts queries whose failures nobody awaits).
 */
import { describe, expect, it } from 'vitest';
import type { Name } from '../../src/wire/name.js';
import { nameFromText, nameToText } from '../../src/wire/name.js';
import type { Message, RR } from '../../src/wire/message.js';
import { RRType, Rcode } from '../../src/wire/rrtype.js';
import { keyTag, readRrsig } from '../../src/dnssec/records.js';
import { base32hexEncode } from '../../src/wire/base32hex.js';
import { MAX_QUERIES_PER_QUESTION } from '../../src/dnssec/limits.js';
import type { TrustAnchor } from '../../src/dnssec/anchors.js';
import type { ResponseSource } from '../../src/validator/context.js';
import { UpstreamError } from '../../src/validator/result.js';
import { ValidationInputError, createValidator } from '../../src/validator/validator.js';
import { RecordPool, readShared } from '../support/record-pool.js';
import { makeMessage } from '../support/vectors.js';
import { rfc6605Zone } from '../support/signed-zone.js';
import { dsFor, rr, signRrset, signingKey } from '../support/signer.js';
import { Prng } from './_support.js';
import { recordUnhandledRejections } from './_support.js';

// Registered before any validation runs; checked by the last test of the file.
const unhandledRejections = recordUnhandledRejections();

const zone = rfc6605Zone();
const VECTOR = readShared('vectors/rfc/rfc6605-6.1-ecdsap256.txt');
const base = { inception: zone.window.inception, expiration: zone.window.expiration };
const apexSoa = zone.apex.filter((r) => r.type === RRType.SOA || (r.type === RRType.RRSIG && readRrsig(r.rdata)?.typeCovered === RRType.SOA));

/** Counts every query that reaches the wrapped source. */
class CountingSource implements ResponseSource {
  queries = 0;
  constructor(private readonly inner: ResponseSource) {}
  query(name: Name, type: number): Promise<Message> {
    this.queries++;
    return this.inner.query(name, type);
  }
}

interface Hostile {
  readonly name: string;
  /** A fresh source per run (pools remember what was asked). */
  readonly source: () => ResponseSource;
  readonly qname: string;
  readonly qtype: string;
  readonly anchors?: readonly TrustAnchor[];
}

/**
 * Validates; a result must not be secure, a rejection must be typed. Returns
 * what happened, for the per-case checks.
 */
async function attack(h: Hostile, prefetch: boolean): Promise<{ status: string; queries: number; reasons: string }> {
  const source = new CountingSource(h.source());
  const validator = createValidator({ source, trustAnchors: h.anchors ?? zone.dsAnchors, clock: () => zone.now, prefetch });
  try {
    const res = await validator.validate(h.qname, h.qtype);
    if (res.status === 'bogus') expect(res.records).toEqual([]);
    return { status: res.status, queries: source.queries, reasons: res.reasons.map((r) => `EDE ${r.ede} ${r.text}`).join('; ') };
  } catch (e) {
    if (e instanceof UpstreamError || e instanceof ValidationInputError) return { status: `rejected: ${e.name}`, queries: source.queries, reasons: e.message };
    throw e;
  }
}

/** A pool of the signed apex plus `records`, with `fixed` responses. */
function pool(records: readonly RR[], fixed: { name: Name; type: number; message: Message }[] = []): () => RecordPool {
  return () => {
    const p = new RecordPool([...zone.apex, ...records]);
    for (const f of fixed) p.fix(f.name, f.type, f.message);
    return p;
  };
}

const n = (text: string): Name => nameFromText(text.endsWith('.') ? text : `${text}.`);

/** `count` single-letter labels then `suffix`. */
function deepName(count: number, suffix: string): string {
  let out = '';
  for (let i = 0; i < count; i++) out += `${String.fromCharCode(0x61 + (i % 26))}.`;
  return out + suffix;
}

/** Copies of an RRSIG with the signature octets replaced by garbage, each different. */
function garbageSigs(sig: RR, count: number, edit?: (rdata: Uint8Array, k: number) => Uint8Array): RR[] {
  const s = readRrsig(sig.rdata)!;
  const start = sig.rdata.length - s.signature.length;
  return Array.from({ length: count }, (_, k) => {
    let rd: Uint8Array = sig.rdata.slice();
    for (let i = start; i < rd.length; i++) rd[i] = (i * 31 + k * 17 + 7) & 0xff;
    if (edit) rd = edit(rd, k);
    return { ...sig, rdata: rd };
  });
}

/** RRSIG RDATA with another signer name (the signature octets are kept). */
function withSigner(sig: RR, signer: Name): RR {
  const s = readRrsig(sig.rdata)!;
  const head = sig.rdata.subarray(0, 18);
  const wire: number[] = [];
  for (const l of signer) wire.push(l.length, ...Buffer.from(l, 'latin1'));
  wire.push(0);
  return { ...sig, rdata: new Uint8Array([...head, ...wire, ...s.signature]) };
}

/** Variants of the zone key with the same key tag (RFC 4034 Appendix B: +d at offset i and -d at i+2 keep the sum). */
function collidingKeys(count: number): RR[] {
  const out: RR[] = [];
  const seen = new Set<string>();
  const rdata = zone.dnskey.rdata;
  for (let delta = 1; delta <= 32 && out.length < count; delta++) {
    for (let i = 4; i + 2 < rdata.length && out.length < count; i++) {
      const rd = rdata.slice();
      if (rd[i]! + delta > 0xff || rd[i + 2]! < delta) continue;
      rd[i]! += delta;
      rd[i + 2]! -= delta;
      const key = Buffer.from(rd).toString('hex');
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ ...zone.dnskey, rdata: rd });
    }
  }
  if (out.length < count) throw new Error(`only ${out.length} colliding variants`);
  return out;
}

/** An NSEC3 record (RFC 5155 §3.2) with a random owner hash under example.net. */
function nsec3(rng: Prng, iterations: number, salt: Uint8Array, flags = 0): RR {
  const owner = [base32hexEncode(rng.bytes(20)).toLowerCase(), 'example', 'net'];
  const next = rng.bytes(20);
  const rdata = new Uint8Array([1, flags, iterations >> 8, iterations & 0xff, salt.length, ...salt, next.length, ...next, 0, 1, 0x40]);
  return { name: owner, type: RRType.NSEC3, class: 1, ttl: 3600, rdata };
}

function denialWith(qname: string, qtype: number, denial: RR[], rcode: number = Rcode.NXDOMAIN): { name: Name; type: number; message: Message } {
  const q = n(qname);
  return { name: q, type: qtype, message: makeMessage(q, qtype, { rcode, authority: [...apexSoa, ...zone.sign(denial)] }) };
}

// ------------------------------------------------------------------ the cases

const rng = new Prng(0x4057113);
const www = rr('www.example.net.', 'A', '192.0.2.1');
const wwwSig = zone.sigFor([www]);

const cases: Hostile[] = [];
let collidingTags = new Set<number>();

// Deep names.
cases.push({ name: '127-label name (255 octets) outside every anchor', source: pool([]), qname: deepName(127, ''), qtype: 'A' });
cases.push({ name: '123-label name under example.net, NXDOMAIN without a proof', source: pool([]), qname: deepName(121, 'example.net.'), qtype: 'A' });
{
  const deep = deepName(121, 'example.net.');
  const a = rr(deep, 'A', '192.0.2.7');
  // Signed as if it were a wildcard expansion of *.example.net (labels 2), with no NSEC proof.
  cases.push({ name: '123-label owner, answer signed as a wildcard expansion, no proof', source: pool([a, zone.sigFor([a], { labels: 2 })]), qname: deep, qtype: 'A' });
  cases.push({ name: '123-label name as the target of a signed CNAME, no data there', source: pool(zone.sign([rr('deep.example.net.', 'CNAME', deep)])), qname: 'deep.example.net.', qtype: 'A' });
}

// CNAME chains and loops.
{
  const links: RR[] = [];
  for (let i = 0; i < 100; i++) links.push(rr(`c${i}.example.net.`, 'CNAME', `c${i + 1}.example.net.`));
  const end = rr('c100.example.net.', 'A', '192.0.2.100');
  const signed = zone.sign([...links, end]);
  const q = n('c0.example.net');
  cases.push({
    name: 'CNAME chain of 100 signed links in one response',
    source: pool(signed, [{ name: q, type: RRType.A, message: makeMessage(q, RRType.A, { answer: signed }) }]),
    qname: 'c0.example.net.',
    qtype: 'A',
  });
  cases.push({ name: 'CNAME chain of 100 signed links, a few per response', source: pool(signed), qname: 'c0.example.net.', qtype: 'A' });
  const loop = zone.sign([rr('l0.example.net.', 'CNAME', 'l1.example.net.'), rr('l1.example.net.', 'CNAME', 'l0.example.net.')]);
  const ql = n('l0.example.net');
  cases.push({
    name: 'signed CNAME loop in one response',
    source: pool(loop, [{ name: ql, type: RRType.A, message: makeMessage(ql, RRType.A, { answer: loop }) }]),
    qname: 'l0.example.net.',
    qtype: 'A',
  });
  const self = zone.sign([rr('self.example.net.', 'CNAME', 'self.example.net.')]);
  cases.push({ name: 'signed CNAME to itself', source: pool(self), qname: 'self.example.net.', qtype: 'A' });
}

// Many RRSIGs.
cases.push({ name: '500 garbage RRSIGs on one RRset', source: pool([www, ...garbageSigs(wwwSig, 500)]), qname: 'www.example.net.', qtype: 'A' });
{
  const deep = deepName(100, 'example.net.');
  const a = rr(deep, 'A', '192.0.2.9');
  const sig = zone.sigFor([a]);
  const owner = n(deep);
  // Every ancestor of the owner named as a signer, five times each with different key tags.
  const sigs = garbageSigs(sig, 500, (rd, k) => {
    const out = withSigner({ ...sig, rdata: rd }, owner.slice(k % owner.length)).rdata;
    out[16] = (k * 7) & 0xff;
    return out;
  });
  cases.push({ name: '500 RRSIGs naming 102 different signer zones', source: pool([a, ...sigs]), qname: deep, qtype: 'A' });
}

// Many DNSKEYs.
{
  const variants = collidingKeys(300);
  const apexRest = zone.apex.filter((r) => r.type !== RRType.DNSKEY && !(r.type === RRType.RRSIG && readRrsig(r.rdata)?.typeCovered === RRType.DNSKEY));
  // The DNSKEY RRset of 300 colliding keys, signed by the real key that is not in it.
  const only = (keys: RR[], extra: RR[]): (() => RecordPool) => () => new RecordPool([...keys, zone.sigFor(keys), ...apexRest, ...extra]);
  cases.push({ name: '300 DNSKEYs sharing the key tag, the real key absent', source: only(variants, [www, wwwSig]), qname: 'www.example.net.', qtype: 'A' });
  // The real key among them, the set validly signed, the answer carrying only garbage RRSIGs with that tag.
  cases.push({
    name: '300 colliding DNSKEYs + the real one, answer with 8 garbage RRSIGs',
    source: only([...variants, zone.dnskey], [www, ...garbageSigs(wwwSig, 8)]),
    qname: 'www.example.net.',
    qtype: 'A',
  });
  collidingTags = new Set(variants.map((v) => keyTag(v.rdata)));
}

// Large DS sets at a delegation.
{
  const child = 'child.example.net.';
  const childKey = signingKey({ ...zone.dnskey, name: n(child) }, VECTOR);
  const childDnskey = childKey.dnskey;
  const ns = rr(child, 'NS', 'ns.child.example.net.');
  const childRecords = [childDnskey, signRrset([childDnskey], childKey, base), rr(`www.${child}`, 'A', '192.0.2.2')];
  childRecords.push(signRrset([childRecords[2]!], childKey, base));
  const real = dsFor(childDnskey, 2);
  const wrongDigests: RR[] = Array.from({ length: 200 }, () => ({ ...real, rdata: new Uint8Array([...real.rdata.subarray(0, 4), ...rng.bytes(32)]) }));
  const unknownDigests: RR[] = Array.from({ length: 200 }, (_, k) => ({ ...real, rdata: new Uint8Array([...real.rdata.subarray(0, 3), 100 + (k % 100), ...rng.bytes(32)]) }));
  cases.push({ name: 'DS RRset of 200 records, none matching', source: pool([ns, ...zone.sign(wrongDigests), ...childRecords]), qname: `www.${child}`, qtype: 'A' });
  cases.push({ name: 'DS RRset of 200 records with unknown digest types', source: pool([ns, ...zone.sign(unknownDigests), ...childRecords]), qname: `www.${child}`, qtype: 'A' });
}

// NSEC3 with hostile parameters.
{
  const salt = rng.bytes(255);
  cases.push({
    name: 'NXDOMAIN with NSEC3 of 65535 iterations',
    source: pool([], [denialWith('nx.example.net.', RRType.A, [nsec3(rng, 65535, new Uint8Array([0xab])), nsec3(rng, 65535, new Uint8Array([0xab])), nsec3(rng, 65535, new Uint8Array([0xab]))])]),
    qname: 'nx.example.net.',
    qtype: 'A',
  });
  cases.push({
    name: 'NXDOMAIN with 100 NSEC3 records, 255-octet salts, 150 iterations, for a 123-label name',
    source: pool([], [denialWith(deepName(121, 'example.net.'), RRType.A, Array.from({ length: 100 }, () => nsec3(rng, 150, salt)))]),
    qname: deepName(121, 'example.net.'),
    qtype: 'A',
  });
  cases.push({
    name: 'NODATA with 40 opt-out NSEC3 records of 65535 iterations and 255-octet salts',
    source: pool([], [denialWith('www.example.net.', RRType.AAAA, Array.from({ length: 40 }, () => nsec3(rng, 65535, salt, 1)), Rcode.NOERROR)]),
    qname: 'www.example.net.',
    qtype: 'AAAA',
  });
}

describe('hostile responses finish, not secure, with bounded queries', () => {
  it('the signed zone validates honestly (the cases below are not bogus for a trivial reason)', async () => {
    const res = await createValidator({ source: pool([www, wwwSig])(), trustAnchors: zone.dsAnchors, clock: () => zone.now, prefetch: false }).validate('www.example.net.', 'A');
    expect(res.status, JSON.stringify(res.reasons)).toBe('secure');
    // The 300 DNSKEY variants really share the zone key's tag.
    expect([...collidingTags]).toEqual([keyTag(zone.dnskey.rdata)]);
  });

  describe.each([false, true])('prefetch %s', (prefetch) => {
    it.each(cases.map((c) => [c.name, c] as const))('%s', async (_, h) => {
      const out = await attack(h, prefetch);
      if (process.env.ROBUSTNESS_VERBOSE) console.log(`${h.name} prefetch=${prefetch}: ${out.status} queries=${out.queries} ${out.reasons}`);
      expect(out.status, `${h.name}: ${out.reasons}`).not.toBe('secure');
      expect(out.queries, `${h.name}: upstream queries`).toBeLessThanOrEqual(MAX_QUERIES_PER_QUESTION);
    }, 60_000);
  });

  it('a signed answer 32 labels below the anchor (the depth of an ip6.arpa PTR name) is secure with and without prefetch', async () => {
    // Prefetching asks DS and DNSKEY for every name between the anchor and the question name; that must not
    // spend the per-question query budget the answer itself needs (MAX_QUERIES_PER_QUESTION).
    const nibbles = Array.from({ length: 32 }, (_, i) => '0123456789abcdef'[(i * 7) % 16]).join('.');
    const qname = `${nibbles}.example.net.`;
    const ptr = rr(qname, 'PTR', 'host.example.net.');
    const verdicts: string[] = [];
    for (const prefetch of [false, true]) {
      const out = await attack({ name: 'deep PTR', source: pool([ptr, zone.sigFor([ptr])]), qname, qtype: 'PTR' }, prefetch).catch((e: unknown) => ({
        status: `threw ${String(e)}`,
        queries: 0,
        reasons: '',
      }));
      verdicts.push(`prefetch ${prefetch}: ${out.status} after ${out.queries} queries ${out.reasons}`);
    }
    expect(verdicts.map((v) => v.replace(/ after .*$/, '')), verdicts.join('\n')).toEqual(['prefetch false: secure', 'prefetch true: secure']);
  });

  it('hostile questions: names of 128 labels or 256 octets, bad types → ValidationInputError, no query', async () => {
    for (const [qname, qtype] of [
      [deepName(128, ''), 'A'],
      [`${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.`, 'A'],
      ['a..b.', 'A'],
      ['www.example.net.', 'NOPE'],
      ['www.example.net.', 70000],
      ['www.example.net.', -1],
    ] as const) {
      const source = new CountingSource(pool([www, wwwSig])());
      const validator = createValidator({ source, trustAnchors: zone.dsAnchors, clock: () => zone.now });
      await expect(validator.validate(qname, qtype), `${nameToText([qname.slice(0, 20)])} ${qtype}`).rejects.toBeInstanceOf(ValidationInputError);
      expect(source.queries).toBe(0);
    }
  });

  it('a source that throws synchronously or rejects with a non-Error: a typed rejection or a verdict, never a crash', async () => {
    const sources: [string, ResponseSource][] = [
      ['throws synchronously', { query: () => { throw new TypeError('boom'); } }],
      ['rejects with a string', { query: () => Promise.reject('plain string') }],
      ['rejects with undefined', { query: () => Promise.reject(undefined) }],
    ];
    const outcomes: string[] = [];
    for (const [label, inner] of sources) {
      for (const prefetch of [false, true]) {
        const out = await attack({ name: label, source: () => inner, qname: 'www.example.net.', qtype: 'A' }, prefetch).catch((e: unknown) => ({
          status: `threw ${(e as Error)?.name}: ${(e as Error)?.message}`,
          queries: 0,
          reasons: '',
        }));
        outcomes.push(`${label} (prefetch ${prefetch}): ${out.status}`);
      }
    }
    // ResponseSource.query may fail however it fails; validate() documents UpstreamError for "no answer".
    expect(outcomes.filter((o) => !/: (bogus|insecure|rejected: (UpstreamError|ValidationInputError))$/.test(o))).toEqual([]);
  });

  it('no unhandled rejection fired while the hostile cases ran', async () => {
    // Let rejections that nobody awaited surface (Node reports them after the microtask queue drains).
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(unhandledRejections()).toEqual([]);
  });
});
