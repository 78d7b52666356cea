/**
 * The adversarial scenarios of fixtures/adversarial: validly signed zones of
 * hostile shape (test/support/adversarial-zone.ts), each with the question
 * asked and the verdict the project gives, and why. test/adversarial/build.ts
 * captures each into a fixture; test/adversarial/fixtures.test.ts replays them;
 * `npm run bench:adversarial` times them.
 */
import type { RR } from '../../src/wire/message.js';
import { RRType } from '../../src/wire/rrtype.js';
import { keyTag, readRrsig } from '../../src/dnssec/records.js';
import { nameEquals } from '../../src/wire/name.js';
import type { Status } from '../../src/types.js';
import { rfc6605Zone, type SignedZone } from '../support/signed-zone.js';
import { rr } from '../support/signer.js';
import { type Denial, type ZoneBuild, buildZone } from '../support/adversarial-zone.js';

export interface Scenario {
  readonly name: string;
  readonly description: string;
  readonly question: { readonly name: string; readonly type: string };
  readonly expected: Status;
  /** A reason text the result must carry (e.g. the budget that ran out). */
  readonly reason?: RegExp;
  build(): ZoneBuild;
}

const DEEP = 'a.b.c.d.e.f.g.h.example.net.';

function salt(n: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i * 37 + 11) & 0xff);
}

function nsec3(iterations: number, saltLength: number, omitEmptyNonTerminals = false): Denial {
  return { kind: 'nsec3', iterations, salt: salt(saltLength), omitEmptyNonTerminals };
}

/** `links` CNAMEs l0 → l1 → … → end, each owner under `suffix`, ending in an A record. */
function cnameChain(links: number, suffix: string): RR[] {
  const out: RR[] = [];
  for (let i = 0; i < links; i++) out.push(rr(`l${i}.${suffix}`, 'CNAME', i + 1 < links ? `l${i + 1}.${suffix}` : `end.${suffix}`));
  out.push(rr(`end.${suffix}`, 'A', '192.0.2.1'));
  return out;
}

/** A DNSKEY like `base` (same flags, protocol, algorithm) with made-up key bytes whose key tag is `tag` (RFC 4034 Appendix B). */
export function collidingKey(base: RR, seed: number, tag: number): RR {
  const rdata = new Uint8Array(base.rdata.length);
  rdata.set(base.rdata.subarray(0, 4));
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 4; i < rdata.length - 2; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    rdata[i] = x & 0xff;
  }
  let sum = 0;
  for (let i = 0; i < rdata.length - 2; i++) sum += i & 1 ? rdata[i]! : rdata[i]! << 8;
  for (let w = 0; w <= 0xffff; w++) {
    const ac = sum + w;
    if (((ac + ((ac >>> 16) & 0xffff)) & 0xffff) === tag) {
      rdata[rdata.length - 2] = w >> 8;
      rdata[rdata.length - 1] = w & 0xff;
      break;
    }
  }
  if (keyTag(rdata) !== tag) throw new Error('could not make a colliding key');
  return { ...base, rdata };
}

/** The zone with `count` keys colliding with the real key's tag in its DNSKEY RRset, the real key first or last. */
function collidingZone(count: number, realFirst: boolean): SignedZone {
  const z = rfc6605Zone();
  const fakes = Array.from({ length: count }, (_, i) => collidingKey(z.dnskey, i + 1, z.key.keyTag));
  const keys = realFirst ? [z.dnskey, ...fakes] : [...fakes, z.dnskey];
  const apex = [...z.apex.filter((r) => r.type !== RRType.DNSKEY && !(r.type === RRType.RRSIG && readRrsig(r.rdata)?.typeCovered === RRType.DNSKEY)), ...keys, z.sigFor(keys)];
  return { ...z, apex };
}

/** `count` RRSIGs over www A that carry the real key's tag but do not verify, then (if `withValid`) the valid one. */
function rrsigFlood(count: number, withValid: boolean): ZoneBuild {
  const z = rfc6605Zone();
  const a = rr('www.example.net.', 'A', '192.0.2.1');
  const full = buildZone([a], { kind: 'nsec' }, { zone: z });
  const isASig = (r: RR): boolean => r.type === RRType.RRSIG && nameEquals(r.name, a.name) && readRrsig(r.rdata)?.typeCovered === RRType.A;
  const junk: RR[] = [];
  for (let i = 0; i < count; i++) {
    const sig = z.sigFor([a], { inception: z.window.inception + i });
    const rdata = Uint8Array.from(sig.rdata);
    rdata[rdata.length - 1]! ^= 0x5a;
    junk.push({ ...sig, rdata });
  }
  return { ...full, records: [...full.records.filter((r) => !isASig(r)), ...junk, ...(withValid ? full.records.filter(isASig) : [])] };
}

/** A name of `labels` labels under example.net. (one-letter labels, at most 255 octets on the wire). */
function deepName(labels: number): string {
  return `${Array.from({ length: labels }, (_, i) => String.fromCharCode(97 + (i % 26))).join('.')}.example.net.`;
}

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'cname12-deep-nsec3-500-salt255-no-ents',
    description:
      'Issue 13 item 3: 12 CNAME links in one zone, each owner 11 labels deep, NSEC3 at 500 iterations with a 255-octet salt and no NSEC3 for the empty non-terminals, so every zone-cut DS check between the signer and a link is answered with a closest-encloser proof. Unbounded it costs about 0.8 s of CPU; the per-question work budget ends it.',
    question: { name: `l0.${DEEP}`, type: 'A' },
    expected: 'bogus',
    reason: /work budget .* exhausted/,
    build: () => buildZone(cnameChain(12, DEEP), nsec3(500, 255, true)),
  },
  {
    name: 'cname12-deep-nsec3-150-salt255-no-ents',
    description: 'The same chain at 150 iterations (the highest count RFC 9276 lets a denial answer be checked at): still over the budget.',
    question: { name: `l0.${DEEP}`, type: 'A' },
    expected: 'bogus',
    reason: /work budget .* exhausted/,
    build: () => buildZone(cnameChain(12, DEEP), nsec3(150, 255, true)),
  },
  {
    name: 'cname12-deep-nsec3-150-salt255',
    description: 'The same chain in an honest NSEC3 chain (empty non-terminals present) at 150 iterations with a 255-octet salt: each cut check is one matching NSEC3, inside the budget.',
    question: { name: `l0.${DEEP}`, type: 'A' },
    expected: 'secure',
    build: () => buildZone(cnameChain(12, DEEP), nsec3(150, 255)),
  },
  {
    name: 'cname12-nsec',
    description: 'A 12-link CNAME chain (MAX_CNAME_CHAIN) in an NSEC zone: followed to the end.',
    question: { name: 'l0.example.net.', type: 'A' },
    expected: 'secure',
    build: () => buildZone(cnameChain(12, 'example.net.'), { kind: 'nsec' }),
  },
  {
    name: 'cname13-nsec',
    description: 'A 13-link CNAME chain: one link more than MAX_CNAME_CHAIN (Unbound follows 11 restarts): bogus.',
    question: { name: 'l0.example.net.', type: 'A' },
    expected: 'bogus',
    build: () => buildZone(cnameChain(13, 'example.net.'), { kind: 'nsec' }),
  },
  {
    name: 'nxdomain-nsec3-500-salt255',
    description: 'An NXDOMAIN proven by NSEC3 at 500 iterations, 255-octet salt: above 150, insecure with EDE 27 and no hash computed (RFC 9276 §3.2).',
    question: { name: 'nx.example.net.', type: 'A' },
    expected: 'insecure',
    build: () => buildZone([rr('www.example.net.', 'A', '192.0.2.1')], nsec3(500, 255)),
  },
  {
    name: 'nxdomain-deep-nsec3-150-salt255',
    description:
      'An NXDOMAIN 20 labels below its closest encloser, NSEC3 at 150 iterations with a 255-octet salt: the closest-encloser proof hashes every ancestor once; the validated proof also shows the names above are no zone cuts, so no further proof is asked for: inside the budget.',
    question: { name: deepName(20), type: 'A' },
    expected: 'secure',
    build: () => buildZone([rr('www.example.net.', 'A', '192.0.2.1')], nsec3(150, 255)),
  },
  {
    name: 'nxdomain-dnsbl-nsec3-150-salt8',
    description: 'A DNSBL-shaped NXDOMAIN (4.3.2.1.bl.example.net.) with NSEC3 at 150 iterations and an 8-octet salt: inside the budget.',
    question: { name: '4.3.2.1.bl.example.net.', type: 'A' },
    expected: 'secure',
    build: () => buildZone([rr('2.0.0.127.bl.example.net.', 'A', '127.0.0.2')], nsec3(150, 8)),
  },
  {
    name: 'deep-name-nsec',
    description: 'A signed A record at a 120-label name (254 octets) in an NSEC zone.',
    question: { name: deepName(120), type: 'A' },
    expected: 'secure',
    build: () => buildZone([rr(deepName(120), 'A', '192.0.2.1')], { kind: 'nsec' }),
  },
  {
    name: 'keytag-collision-real-key-first',
    description: 'The apex DNSKEY RRset holds 100 keys that share the signing key\'s tag; the real key comes first: secure.',
    question: { name: 'www.example.net.', type: 'A' },
    expected: 'secure',
    build: () => buildZone([rr('www.example.net.', 'A', '192.0.2.1')], { kind: 'nsec' }, { zone: collidingZone(100, true) }),
  },
  {
    name: 'keytag-collision-real-key-last',
    description: 'The same 100 colliding keys with the real key last: past MAX_KEYS_PER_KEY_TAG, bogus (KeyTrap, CVE-2023-50387).',
    question: { name: 'www.example.net.', type: 'A' },
    expected: 'bogus',
    build: () => buildZone([rr('www.example.net.', 'A', '192.0.2.1')], { kind: 'nsec' }, { zone: collidingZone(100, false) }),
  },
  {
    name: 'rrsig-flood-300',
    description: '300 RRSIGs with the zone key\'s tag over www A that do not verify, the valid one last: only MAX_RRSIGS_PER_RRSET are tried: bogus.',
    question: { name: 'www.example.net.', type: 'A' },
    expected: 'bogus',
    build: () => rrsigFlood(300, true),
  },
  {
    name: 'large-rrset-txt',
    description: 'A TXT RRset of 200 records of 250 octets (about 50 KB), signed: canonical sorting and one verification.',
    question: { name: 'big.example.net.', type: 'TXT' },
    expected: 'secure',
    build: () =>
      buildZone(
        Array.from({ length: 200 }, (_, i) => rr('big.example.net.', 'TXT', `"${String(i).padStart(3, '0')}${'x'.repeat(246)}"`)),
        { kind: 'nsec' },
      ),
  },
];
