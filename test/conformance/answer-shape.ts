/**
 * What the replayed resolver does to the servers' answers before the stub
 * sees them, as Unbound's iterator and scrubber do: follows CNAME/DNAME
 * chains (RFC 1034 §5.3.3, RFC 6672), drops data beside a followed CNAME
 * (RFC 2181 §10.1), and turns a referral that carries the DS RRset or its
 * NSEC/NSEC3 proof into the answer to a DS query. Every record comes from the
 * scenario's entries; names and RRSIGs are read with src/wire and src/dnssec.
 */
import { type Name, isStrictSubdomain, nameEquals, nameKey, nameToWire, nameWireLength, readName, MAX_NAME_WIRE_LENGTH } from '../../src/wire/name.js';
import type { RR } from '../../src/wire/message.js';
import { RRType, Rcode } from '../../src/wire/rrtype.js';
import { rrsigOf } from '../../src/dnssec/records.js';

/** A reply before it is put on the wire. */
export interface Reply {
  readonly rcode: number;
  readonly answer: readonly RR[];
  readonly authority: readonly RR[];
  readonly additional: readonly RR[];
  /** Set when no simulated server had an entry for the query. */
  readonly noEntry?: string;
}

export const MAX_CHAIN = 16;

function rrKey(rr: RR): string {
  return `${nameKey(rr.name)}|${rr.type}|${rr.class}|${Buffer.from(rr.rdata).toString('hex')}`;
}

export function dedupe(rrs: readonly RR[]): RR[] {
  const seen = new Set<string>();
  const out: RR[] = [];
  for (const rr of rrs) {
    const k = rrKey(rr);
    if (!seen.has(k)) {
      seen.add(k);
      out.push(rr);
    }
  }
  return out;
}

/** The type an RRSIG covers (undefined for other records and unreadable RRSIGs). */
export function covered(sig: RR): number | undefined {
  return sig.type === RRType.RRSIG ? rrsigOf(sig)?.typeCovered : undefined;
}

/** The single name in the RDATA of a CNAME, DNAME or NS (undefined when malformed). */
export function targetOf(rr: RR): Name | undefined {
  try {
    const { name, end } = readName(rr.rdata, 0);
    return end === rr.rdata.length ? name : undefined;
  } catch {
    return undefined;
  }
}

/** Where the end of a CNAME/DNAME chain in `answer` is, starting at `name`. */
export function chainEnd(answer: readonly RR[], name: Name, qtype: number): { name: Name; complete: boolean } {
  const visited = new Set<string>();
  let n = name;
  for (let i = 0; i <= MAX_CHAIN; i++) {
    if (visited.has(nameKey(n))) return { name: n, complete: true }; // a loop: nothing more to fetch
    visited.add(nameKey(n));
    const here = answer.filter((rr) => rr.type !== RRType.RRSIG && nameEquals(rr.name, n));
    if (here.some((rr) => rr.type === qtype) || (qtype === RRType.ANY && here.length > 0)) return { name: n, complete: true };
    const cname = qtype === RRType.CNAME ? undefined : here.find((rr) => rr.type === RRType.CNAME);
    if (cname) {
      const t = targetOf(cname);
      if (!t) return { name: n, complete: true };
      n = t;
      continue;
    }
    const dname = qtype === RRType.DNAME ? undefined : answer.find((rr) => rr.type === RRType.DNAME && isStrictSubdomain(n, rr.name));
    if (dname) {
      const t = targetOf(dname);
      if (!t) return { name: n, complete: true };
      const synthesized = [...n.slice(0, n.length - dname.name.length), ...t];
      // RFC 6672 §2.2: a synthesized name that is too long gives YXDOMAIN, nothing to follow.
      if (nameWireLength(synthesized) > MAX_NAME_WIRE_LENGTH) return { name: n, complete: true };
      n = synthesized;
      continue;
    }
    return { name: n, complete: nameEquals(n, name) };
  }
  return { name: n, complete: true };
}

/**
 * RFC 6672 §3.1/§3.4: a resolver that follows a DNAME gives the client the
 * CNAME it synthesizes for the name (unsigned, TTL of the DNAME). When a
 * server's answer to a later link did not include it (the chain met a DNAME
 * again, val_dname_twice.rpl), it is added here, as Unbound adds it.
 */
export function synthesizeDnameCnames(answer: readonly RR[], qname: Name, qtype: number): RR[] {
  const out = [...answer];
  const visited = new Set<string>();
  let n = qname;
  for (let i = 0; i <= MAX_CHAIN && !visited.has(nameKey(n)); i++) {
    visited.add(nameKey(n));
    const here = out.filter((rr) => rr.type !== RRType.RRSIG && nameEquals(rr.name, n));
    if (here.some((rr) => rr.type === qtype)) break;
    const cname = here.find((rr) => rr.type === RRType.CNAME);
    const dname = out.find((rr) => rr.type === RRType.DNAME && isStrictSubdomain(n, rr.name));
    if (dname && qtype !== RRType.DNAME) {
      const t = targetOf(dname);
      if (!t) break;
      const synthesized = [...n.slice(0, n.length - dname.name.length), ...t];
      if (!cname && nameWireLength(synthesized) <= MAX_NAME_WIRE_LENGTH) {
        out.push({ name: n, type: RRType.CNAME, class: dname.class, ttl: dname.ttl, rdata: nameToWire(synthesized) });
      }
      n = synthesized;
      continue;
    }
    if (!cname || qtype === RRType.CNAME) break;
    const t = targetOf(cname);
    if (!t) break;
    n = t;
  }
  return out;
}

/**
 * RFC 2181 §10.1: a name that has a CNAME has no other data. A server that
 * sends both (val_cnameother.rpl) gets the resolver's treatment, as in
 * Unbound's scrubber, which walks the answer in order: a CNAME at the current
 * name that comes first is followed and the other data at that name dropped;
 * data of the asked type that comes first is the answer and a later CNAME at
 * that name is dropped.
 */
export function scrubCnameOtherData(answer: readonly RR[], qname: Name, qtype: number): readonly RR[] {
  if (qtype === RRType.CNAME || qtype === RRType.ANY) return answer;
  if (!answer.some((rr) => rr.type === RRType.CNAME)) return answer;
  const dropped = new Set<string>();
  const passed = new Set<string>();
  let sname = qname;
  let answered = false;
  for (const rr of answer) {
    if (rr.type === RRType.RRSIG) continue;
    const key = `${nameKey(rr.name)}|${rr.type}`;
    if (nameEquals(rr.name, sname)) {
      if (rr.type === RRType.CNAME) {
        const t = targetOf(rr);
        if (answered || !t) {
          dropped.add(key);
        } else {
          passed.add(nameKey(sname));
          sname = t;
        }
      } else if (rr.type === qtype) {
        answered = true;
      }
    } else if (passed.has(nameKey(rr.name)) && rr.type !== RRType.CNAME) {
      dropped.add(key);
    }
  }
  if (dropped.size === 0) return answer;
  return answer.filter((rr) => !dropped.has(`${nameKey(rr.name)}|${rr.type === RRType.RRSIG ? covered(rr) : rr.type}`));
}

/** Whether a referral to qname carries its DS RRset or an NSEC/NSEC3 record (the proof of no DS). */
export function provesDs(r: Reply, qname: Name): boolean {
  return r.authority.some((rr) => (rr.type === RRType.DS && nameEquals(rr.name, qname)) || rr.type === RRType.NSEC || rr.type === RRType.NSEC3);
}

/**
 * A resolver's answer to "qname DS" built from the parent's referral to
 * qname: the DS RRset with its RRSIGs, or NODATA with the NSEC/NSEC3 records
 * (and their RRSIGs) that prove there is none.
 */
export function dsFromReferral(r: Reply, qname: Name): Reply {
  const all = [...r.answer, ...r.authority, ...r.additional];
  const ds = r.authority.filter((rr) => rr.type === RRType.DS && nameEquals(rr.name, qname));
  if (ds.length > 0) {
    const sigs = all.filter((rr) => covered(rr) === RRType.DS && nameEquals(rr.name, qname));
    return { rcode: Rcode.NOERROR, answer: dedupe([...ds, ...sigs]), authority: [], additional: [] };
  }
  const denial = r.authority.filter((rr) => rr.type === RRType.NSEC || rr.type === RRType.NSEC3);
  const keys = new Set(denial.map((rr) => `${nameKey(rr.name)}|${rr.type}`));
  const sigs = all.filter((rr) => rr.type === RRType.RRSIG && keys.has(`${nameKey(rr.name)}|${covered(rr)}`));
  return { rcode: Rcode.NOERROR, answer: [], authority: dedupe([...denial, ...sigs]), additional: [] };
}
