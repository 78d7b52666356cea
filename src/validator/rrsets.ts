/**
 * Groups the RRs of a response into RRsets and attaches their RRSIGs
 * (RFC 4035 §5.3: an RRSIG covers the RRset of its owner, class and type
 * covered — matched by owner and type, not by position in the message).
 */
import { bytesEqual } from '../wire/bytes.js';
import { type Name, nameKey, nameEquals } from '../wire/name.js';
import type { Message, RR } from '../wire/message.js';
import { RRType } from '../wire/rrtype.js';
import type { RRset } from '../dnssec/rrsig.js';
import { canonicalRdata } from '../dnssec/canonical.js';

function rrsigTypeCovered(rr: RR): number | undefined {
  return rr.rdata.length >= 2 ? (rr.rdata[0]! << 8) | rr.rdata[1]! : undefined;
}

/** Builds RRsets from records; RRSIGs are attached to the RRset they cover. */
export function groupRRsets(records: readonly RR[], sigPool: readonly RR[] = records): RRset[] {
  const sets = new Map<string, { name: Name; type: number; class: number; rrs: RR[]; sigs: RR[] }>();
  const order: string[] = [];
  for (const rr of records) {
    if (rr.type === RRType.RRSIG) continue;
    const key = `${nameKey(rr.name)}|${rr.type}|${rr.class}`;
    let set = sets.get(key);
    if (!set) {
      set = { name: rr.name, type: rr.type, class: rr.class, rrs: [], sigs: [] };
      sets.set(key, set);
      order.push(key);
    }
    // RFC 2181 §5: an RRset holds an RR once; a repeated RR (a duplicating
    // middlebox or resolver) is the same data, not a second record. Compared
    // in canonical form (RFC 4034 §6.2, §6.3): names embedded in the RDATA of
    // MX, SOA, ... differ in case only are the same RR, as the signature saw it.
    const canonical = canonicalRdata(rr.type, rr.rdata);
    if (!set.rrs.some((r) => bytesEqual(canonicalRdata(r.type, r.rdata), canonical))) set.rrs.push(rr);
  }
  for (const sig of sigPool) {
    if (sig.type !== RRType.RRSIG) continue;
    const covered = rrsigTypeCovered(sig);
    if (covered === undefined) continue;
    const set = sets.get(`${nameKey(sig.name)}|${covered}|${sig.class}`);
    if (set && !set.sigs.some((s) => bytesEqual(s.rdata, sig.rdata))) set.sigs.push(sig);
  }
  return order.map((k) => {
    const s = sets.get(k)!;
    return { ...s, ttl: Math.min(...s.rrs.map((r) => r.ttl)) };
  });
}


/** All RRs of a message (answer, authority, additional), for RRSIG lookup. */
export function allRecords(msg: Message): RR[] {
  return [...msg.answer, ...msg.authority, ...msg.additional];
}

/** Sections of a response grouped into RRsets, RRSIGs looked up message-wide. */
export interface ResponseRRsets {
  readonly answer: RRset[];
  readonly authority: RRset[];
}

export function responseRRsets(msg: Message): ResponseRRsets {
  const pool = allRecords(msg);
  return { answer: groupRRsets(msg.answer, pool), authority: groupRRsets(msg.authority, pool) };
}

export function findRRset(sets: readonly RRset[], name: Name, type: number): RRset | undefined {
  return sets.find((s) => s.type === type && nameEquals(s.name, name));
}
