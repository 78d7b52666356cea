/**
 * Validly signed adversarial zones under example.net. (signed with the RFC 6605
 * §6.1 P-256 key whose private key the RFC publishes; anchored by its DS), and
 * a responder that answers from them the way an authoritative server plus a
 * recursive resolver would: CNAME chains followed inside the zone, a negative
 * answer carries the SOA and only the NSEC/NSEC3 records its proof needs
 * (RFC 4035 §3.1.3, RFC 5155 §7.2), every RRset with its RRSIGs.
 *
 * Used only to BUILD fixtures/adversarial (test/adversarial/build.ts), which
 * are then replayed with the project's fixture reader. The zones are as an
 * attacker would sign them: real signatures over hostile shapes (NSEC3 at 500
 * iterations with 255-octet salts, a chain without its empty non-terminals,
 * colliding key tags, hundreds of RRSIGs, long CNAME chains, deep names,
 * large RRsets). BIND's dnssec-signzone refuses most of these shapes (more
 * than 150 iterations, colliding keys, junk RRSIGs), hence this signer.
 */
import type { Name } from '../../src/wire/name.js';
import { ancestorWithLabels, compareNames, isSubdomain, nameEquals, nameFromText, nameKey, nameToCanonicalWire, readName } from '../../src/wire/name.js';
import { type Message, type RR, encodeMessage, parseMessage } from '../../src/wire/message.js';
import { RRType, Rcode } from '../../src/wire/rrtype.js';
import { base32hexDecode, base32hexEncode } from '../../src/wire/base32hex.js';
import { nsec3Hash } from '../../src/crypto/index.js';
import type { ResponseSource } from '../../src/validator/context.js';
import { readRrsig } from '../../src/dnssec/records.js';
import { rfc6605Zone, type SignedZone } from './signed-zone.js';
import { rr } from './signer.js';

export const APEX = 'example.net.';
const APEX_NAME = nameFromText(APEX);

export type Denial = { kind: 'nsec' } | { kind: 'nsec3'; iterations: number; salt: Uint8Array; omitEmptyNonTerminals?: boolean };

export interface ZoneBuild {
  readonly zone: SignedZone;
  /** Every record of the zone, RRSIGs included. */
  readonly records: RR[];
  readonly denial: Denial;
}

function hex(b: Uint8Array): string {
  return b.length === 0 ? '-' : Buffer.from(b).toString('hex');
}

function typeNames(types: Iterable<number>): string {
  return [...new Set(types)]
    .sort((a, b) => a - b)
    .map((t) => Object.entries(RRType).find(([, v]) => v === t)?.[0] ?? `TYPE${t}`)
    .join(' ');
}

/** Owner → set of types, for the apex and every data record. */
function typesByOwner(data: readonly RR[]): Map<string, { name: Name; types: Set<number> }> {
  const m = new Map<string, { name: Name; types: Set<number> }>();
  const add = (name: Name, type: number): void => {
    const k = nameKey(name);
    let e = m.get(k);
    if (!e) m.set(k, (e = { name, types: new Set() }));
    e.types.add(type);
  };
  for (const t of [RRType.SOA, RRType.DNSKEY, RRType.NS]) add(APEX_NAME, t);
  for (const r of data) add(r.name, r.type);
  return m;
}

export function nsec3Of(name: Name, d: Extract<Denial, { kind: 'nsec3' }>): Uint8Array {
  return nsec3Hash(nameToCanonicalWire(name), d.salt, d.iterations);
}

/**
 * Signs `data` (records under example.net., no RRSIGs) into a zone with the
 * denial chain `denial`. `extra` records are added after signing, as given
 * (e.g. hand-made RRSIGs or colliding DNSKEYs with their own signatures).
 */
export function buildZone(data: readonly RR[], denial: Denial, opts: { extra?: readonly RR[]; zone?: SignedZone } = {}): ZoneBuild {
  const zone = opts.zone ?? rfc6605Zone();
  const owners = typesByOwner(data);
  const chain: RR[] = [];
  if (denial.kind === 'nsec') {
    const names = [...owners.values()].sort((a, b) => compareNames(a.name, b.name));
    names.forEach((o, i) => {
      const next = names[(i + 1) % names.length]!.name;
      chain.push(rr(o.name.join('.') + '.', 'NSEC', `${next.join('.')}. ${typeNames([...o.types, RRType.RRSIG, RRType.NSEC])}`, 300));
    });
  } else {
    const all = new Map(owners);
    if (!denial.omitEmptyNonTerminals) {
      for (const o of owners.values()) {
        for (let n = APEX_NAME.length + 1; n < o.name.length; n++) {
          const anc = ancestorWithLabels(o.name, n);
          if (!all.has(nameKey(anc))) all.set(nameKey(anc), { name: anc, types: new Set() });
        }
      }
    }
    const hashed = [...all.values()].map((o) => ({ ...o, hash: nsec3Of(o.name, denial) }));
    hashed.sort((a, b) => Buffer.compare(Buffer.from(a.hash), Buffer.from(b.hash)));
    hashed.forEach((o, i) => {
      const next = hashed[(i + 1) % hashed.length]!.hash;
      const types = o.types.size === 0 ? [] : [...o.types, RRType.RRSIG, ...(nameEquals(o.name, APEX_NAME) ? [RRType.NSEC3PARAM] : [])];
      chain.push(
        rr(`${base32hexEncode(o.hash).toLowerCase()}.${APEX}`, 'NSEC3', `1 0 ${denial.iterations} ${hex(denial.salt)} ${base32hexEncode(next)} ${typeNames(types)}`.trim(), 300),
      );
    });
    chain.push(rr(APEX, 'NSEC3PARAM', `1 0 ${denial.iterations} ${hex(denial.salt)}`, 0));
  }
  const ns = rr(APEX, 'NS', 'ns.example.net.');
  const records = [...zone.apex, ...zone.sign([ns, ...data, ...chain]), ...(opts.extra ?? [])];
  return { zone, records, denial };
}

function sigCovers(r: RR, type: number): boolean {
  return r.type === RRType.RRSIG && readRrsig(r.rdata)?.typeCovered === type;
}

/**
 * Answers queries from a built zone (see the module comment). Every response
 * is encoded to wire form and parsed back, as a network source would see it.
 */
export class ZoneResponder implements ResponseSource {
  readonly asked: string[] = [];

  constructor(readonly build: ZoneBuild) {}

  private rrset(name: Name, type: number): RR[] {
    const rs = this.build.records;
    const rrs = rs.filter((r) => r.type === type && nameEquals(r.name, name));
    if (rrs.length === 0) return [];
    return [...rrs, ...rs.filter((r) => nameEquals(r.name, name) && sigCovers(r, type))];
  }

  private exists(name: Name): boolean {
    return this.build.records.some((r) => r.type !== RRType.NSEC3 && r.type !== RRType.RRSIG && isSubdomain(r.name, name));
  }

  /** The NSEC or NSEC3 RRs (with RRSIGs) that prove `name` has no `type` (or does not exist). */
  private proof(name: Name): RR[] {
    const d = this.build.denial;
    const rs = this.build.records;
    const withSigs = (r: RR): RR[] => [r, ...rs.filter((s) => nameEquals(s.name, r.name) && sigCovers(s, r.type))];
    if (d.kind === 'nsec') {
      const nsecs = rs.filter((r) => r.type === RRType.NSEC);
      const at = (n: Name): RR | undefined =>
        nsecs.find((r) => nameEquals(r.name, n)) ??
        nsecs.find((r) => {
          const next = readName(r.rdata, 0).name;
          const after = compareNames(r.name, n) < 0;
          const before = compareNames(n, next) < 0 || nameEquals(next, APEX_NAME);
          return after && before;
        });
      const out = new Set<RR>();
      const own = at(name);
      if (own) out.add(own);
      let ce = name;
      while (ce.length > APEX_NAME.length && !this.exists(ce)) ce = ce.slice(1);
      const wc = at(['*', ...ce]);
      if (wc && !nameEquals(ce, name)) out.add(wc);
      return [...out].flatMap(withSigs);
    }
    const nsec3s = rs.filter((r) => r.type === RRType.NSEC3).map((r) => ({ r, hash: Buffer.from(base32hexDecode(r.name[0]!) ?? new Uint8Array()) }));
    const match = (n: Name) => {
      const h = Buffer.from(nsec3Of(n, d));
      return nsec3s.find((x) => x.hash.equals(h));
    };
    const cover = (n: Name) => {
      const h = Buffer.from(nsec3Of(n, d));
      const sorted = [...nsec3s].sort((a, b) => Buffer.compare(a.hash, b.hash));
      let prev = sorted[sorted.length - 1]!;
      for (const x of sorted) {
        if (Buffer.compare(x.hash, h) > 0) return prev;
        prev = x;
      }
      return sorted[sorted.length - 1]!;
    };
    const direct = match(name);
    if (direct) return withSigs(direct.r);
    let n = name.length - 1;
    while (n > APEX_NAME.length && !match(ancestorWithLabels(name, n))) n--;
    const ce = ancestorWithLabels(name, n);
    const picks = new Set([match(ce)!.r, cover(ancestorWithLabels(name, n + 1)).r, cover(['*', ...ce]).r]);
    return [...picks].flatMap(withSigs);
  }

  async query(name: Name, type: number): Promise<Message> {
    this.asked.push(`${name.join('.')}.|${type}`);
    const answer: RR[] = [];
    let authority: RR[] = [];
    let rcode: number = Rcode.NOERROR;
    let current = name;
    if (!isSubdomain(name, APEX_NAME)) {
      rcode = Rcode.REFUSED;
    } else {
      for (let hop = 0; hop < 24; hop++) {
        const direct = type === RRType.DS && nameEquals(current, APEX_NAME) ? [] : this.rrset(current, type);
        if (direct.length > 0) {
          answer.push(...direct);
          break;
        }
        const cname = type === RRType.CNAME ? [] : this.rrset(current, RRType.CNAME);
        const target = cname.find((r) => r.type === RRType.CNAME);
        if (target) {
          answer.push(...cname);
          current = readName(target.rdata, 0).name;
          if (!isSubdomain(current, APEX_NAME)) break;
          continue;
        }
        rcode = this.exists(current) ? Rcode.NOERROR : Rcode.NXDOMAIN;
        authority = [...this.rrset(APEX_NAME, RRType.SOA), ...this.proof(current)];
        break;
      }
    }
    const wire = encodeMessage({
      id: 0,
      flags: { qr: true, aa: false, rd: true, ra: true, cd: true },
      rcode,
      question: [{ name, type, class: 1 }],
      answer,
      authority,
    });
    return parseMessage(wire);
  }
}

