/**
 * Classifies a response once, before anything is verified (after Unbound's
 * val_classify_response): what the response says about one name of the
 * question's CNAME/DNAME chain. Each class has its own validator:
 *
 * | class      | validated by                                   |
 * | ---------- | ---------------------------------------------- |
 * | positive   | positive.ts (RFC 4035 §5.3, wildcards §5.3.4)   |
 * | any        | positive.ts, every RRset at the name            |
 * | cname      | positive.ts for the link, answer.ts follows it  |
 * | dname      | dname.ts (RFC 6672), answer.ts follows it       |
 * | nodata     | negative.ts (RFC 4035 §5.4, RFC 5155 §8.5-§8.7) |
 * | nxdomain   | negative.ts (RFC 4035 §5.4, RFC 5155 §8.4)      |
 * | referral   | referral.ts (RFC 4035 §5.2)                     |
 * | yxdomain   | answer.ts (RFC 6672 §2.2)                       |
 *
 * A whole response is then one of positive, cname (a chain ending in data),
 * nodata, nxdomain, cname-nodata, cname-nxdomain, referral or any
 * (classifyResponse).
 */
import { type Name, isStrictSubdomain, isSubdomain, nameEquals, nameKey, readName } from '../wire/name.js';
import type { Message } from '../wire/message.js';
import { RRType, Rcode } from '../wire/rrtype.js';
import type { RRset } from '../dnssec/rrsig.js';
import { type ResponseRRsets, findRRset, responseRRsets } from './rrsets.js';

export type Classified =
  | { readonly kind: 'dname'; readonly dname: RRset }
  | { readonly kind: 'positive'; readonly rrsets: readonly [RRset] }
  | { readonly kind: 'any'; readonly rrsets: readonly RRset[] }
  | { readonly kind: 'cname'; readonly cname: RRset }
  | { readonly kind: 'yxdomain' }
  | { readonly kind: 'nxdomain' }
  | { readonly kind: 'nodata' }
  | { readonly kind: 'referral'; readonly ns: RRset };

/** The SOA of the authority section, if any. */
export function findSoa(sets: ResponseRRsets): RRset | undefined {
  return sets.authority.find((s) => s.type === RRType.SOA);
}

/**
 * What `msg` says about `name` (a name of the chain for `qtype`). A DNAME
 * above the name comes first: the CNAME a server synthesises from it is
 * unsigned and is checked against the DNAME (RFC 6672 §3.2, §5.3.3).
 */
export function classifyAt(msg: Message, sets: ResponseRRsets, name: Name, qtype: number): Classified {
  const dname = sets.answer.find((s) => s.type === RRType.DNAME && isStrictSubdomain(name, s.name));
  if (dname) return { kind: 'dname', dname };
  if (qtype === RRType.ANY) {
    const all = sets.answer.filter((s) => nameEquals(s.name, name));
    if (all.length > 0) return { kind: 'any', rrsets: all };
  } else {
    const target = findRRset(sets.answer, name, qtype);
    if (target) return { kind: 'positive', rrsets: [target] };
  }
  if (qtype !== RRType.CNAME) {
    const cname = findRRset(sets.answer, name, RRType.CNAME);
    if (cname) return { kind: 'cname', cname };
  }
  if (msg.rcode === Rcode.YXDOMAIN) return { kind: 'yxdomain' };
  if (msg.rcode === Rcode.NXDOMAIN) return { kind: 'nxdomain' };
  // No data, no SOA, but an NS RRset at or above the name: a referral (the
  // upstream did not recurse); negative.ts decides whether it counts as one.
  const ns = findSoa(sets) ? undefined : sets.authority.find((s) => s.type === RRType.NS && isSubdomain(name, s.name));
  return ns ? { kind: 'referral', ns } : { kind: 'nodata' };
}

/** The target of a CNAME or DNAME RRset (its single RDATA name). */
export function linkTarget(set: RRset): Name | undefined {
  const rr = set.rrs[0];
  if (!rr) return undefined;
  try {
    const { name, end } = readName(rr.rdata, 0);
    return end === rr.rdata.length ? name : undefined;
  } catch {
    return undefined;
  }
}

export type ResponseClass = 'positive' | 'cname' | 'any' | 'nodata' | 'nxdomain' | 'cname-nodata' | 'cname-nxdomain' | 'referral' | 'yxdomain';

/** The class of a whole response to (qname, qtype), following its CNAME/DNAME chain inside it. */
export function classifyResponse(msg: Message, qname: Name, qtype: number): ResponseClass {
  const sets = responseRRsets(msg);
  const seen = new Set<string>();
  let name = qname;
  let chained = false;
  for (;;) {
    seen.add(nameKey(name));
    const c = classifyAt(msg, sets, name, qtype);
    let next: Name | undefined;
    if (c.kind === 'dname') {
      const target = linkTarget(c.dname);
      next = target ? [...name.slice(0, name.length - c.dname.name.length), ...target] : undefined;
    } else if (c.kind === 'cname') {
      next = linkTarget(c.cname);
    } else if (c.kind === 'nodata' || c.kind === 'nxdomain') {
      return chained ? `cname-${c.kind}` : c.kind;
    } else if (c.kind === 'positive') {
      return chained ? 'cname' : 'positive';
    } else {
      return c.kind;
    }
    chained = true;
    if (!next || seen.has(nameKey(next))) return 'cname';
    name = next;
  }
}
