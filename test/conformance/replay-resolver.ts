/**
 * Plays the recursive resolver that dnssec-stub asks, on the canned answers
 * of one Unbound replay scenario (the simulated authoritative servers of its
 * RANGEs). It answers like a resolver queried with DO=1 and CD=1: no
 * validation, every DNSSEC record passed on.
 *
 * Stub mode (stub-zone / stub-addr = the root hints): iterative resolution
 * from the deepest known zone cut, following referrals (NS in AUTHORITY, glue
 * or a lookup of the NS names), with the cuts remembered across questions as
 * a resolver's infrastructure cache does. A DS query goes to the parent side
 * of the cut (RFC 4035 §3.1.4.1); when the parent answers with a referral to
 * the name itself, the DS answer is that referral's DS RRset, or its
 * NSEC/NSEC3 proof of no DS (RFC 4035 §3.1.4.1, RFC 5155 §7.2.7), as a
 * resolver's answer from its cache would be; a referral with neither is
 * followed to the child's servers, as Unbound's iterator does. Every answer
 * comes from the scenario's entries (matched by MATCH: qname, qtype,
 * subdomain...) or from records of the parent zone an earlier entry served
 * (its NSEC/NSEC3 records, as Unbound's negative cache holds them). A query
 * no entry matches gets SERVFAIL and is recorded in `unanswered`: Unbound's
 * testbound leaves such a query pending, so it never gets an answer
 * either (testcode/fake_event.c). CNAME and DNAME chains are
 * followed by new queries for the target (RFC 1034 §5.3.3) and assembled
 * into one answer, keeping the denial records of every link (wildcard
 * proofs) and the final link's rcode.
 *
 * Forward mode (forward-zone / forward-addr): the entries are the full
 * answers of a recursive resolver; the first matching one is returned.
 */
import { type Name, ROOT, compareNames, isStrictSubdomain, isSubdomain, nameEquals, nameKey, nameToText } from '../../src/wire/name.js';
import { type Message, type RR, encodeMessage, parseMessage } from '../../src/wire/message.js';
import { RRClass, RRType, Rcode, typeToText } from '../../src/wire/rrtype.js';
import { rdataToText } from '../../src/wire/presentation.js';
import type { ResponseSource } from '../../src/validator/context.js';
import { readNsec, rrsigOf } from '../../src/dnssec/records.js';
import type { RplEntry, RplScenario } from './rpl.js';
import { type Reply, MAX_CHAIN, chainEnd, covered, dedupe, dsFromReferral, provesDs, scrubCnameOtherData, synthesizeDnameCnames, targetOf } from './answer-shape.js';

export { chainEnd };

const MAX_REFERRALS = 30;
const MAX_NS_LOOKUP_DEPTH = 6;

function rcodeOf(text: string): number {
  const v = (Rcode as Record<string, number>)[text === 'NOTIMPL' ? 'NOTIMP' : text];
  if (v === undefined) throw new Error(`unknown rcode ${text}`);
  return v;
}

function servfail(why: string, noEntry = true): Reply {
  return { rcode: Rcode.SERVFAIL, answer: [], authority: [], additional: [], ...(noEntry ? { noEntry: why } : {}) };
}

export function entryMatches(e: RplEntry, qname: Name, qtype: number, tcp = false): boolean {
  const q = e.question;
  if (e.match.has('qtype') && (!q || q.type !== qtype)) return false;
  if (e.match.has('qname') && (!q || !nameEquals(q.name, qname))) return false;
  if (e.match.has('question') && (!q || q.type !== qtype || !nameEquals(q.name, qname))) return false;
  if (e.match.has('subdomain') && (!q || !isSubdomain(qname, q.name))) return false;
  if (e.match.has('tcp') && !tcp) return false;
  if (e.match.has('udp') && tcp) return false;
  return true;
}

export interface ExchangeLog {
  readonly server: string;
  readonly question: string;
  readonly entryLine?: number;
  readonly rcode?: string;
}

export class ReplayResolver implements ResponseSource {
  /** The scenario step the current query belongs to (RANGEs are live per step). */
  step = 0;
  /** Every upstream exchange, for diagnosing failures. */
  readonly log: ExchangeLog[] = [];
  /** Questions (as the stub asked them) that no simulated server could answer. */
  readonly unanswered: string[] = [];
  /** DS queries answered from the parent's NSEC/NSEC3 records seen earlier (see dsFromSeenDenial). */
  readonly synthesized: string[] = [];
  /** The last referral seen to each child zone (its DS or NSEC/NSEC3 proof). */
  private readonly referrals = new Map<string, Reply>();
  /** Name server addresses learned from glue. */
  private readonly hosts = new Map<string, string[]>();
  /** NSEC/NSEC3 records and RRSIGs of every authority section served so far. */
  private readonly seenDenial: RR[] = [];
  private readonly cuts = new Map<string, { zone: Name; addresses: string[] }>();
  private readonly forward: boolean;
  private readonly forwardAddresses: string[] = [];

  constructor(private readonly scenario: RplScenario) {
    for (const z of scenario.config.stubZones.values()) this.cuts.set(nameKey(z.zone), { zone: z.zone, addresses: [...z.addresses] });
    const fwdRoot = [...scenario.config.forwardZones.values()].find((z) => z.zone.length === 0);
    this.forward = fwdRoot !== undefined && !this.cuts.has(nameKey(ROOT));
    if (fwdRoot) this.forwardAddresses.push(...fwdRoot.addresses);
  }

  async query(name: Name, type: number): Promise<Message> {
    const reply = this.resolve(name, type);
    if (reply.noEntry) this.unanswered.push(`${nameToText(name)} ${typeToText(type)}: ${reply.noEntry}`);
    const wire = encodeMessage({
      id: 0,
      flags: { qr: true, rd: true, ra: true, cd: true },
      rcode: reply.rcode,
      question: [{ name, type, class: RRClass.IN }],
      answer: reply.answer,
      authority: reply.authority,
      additional: reply.additional,
      edns: { udpPayloadSize: 1232, version: 0, dnssecOk: true, options: [] },
    });
    return parseMessage(wire);
  }

  /** The reply of the first live entry that matches, at one server address. */
  private ask(address: string | undefined, qname: Name, qtype: number): Reply | undefined {
    for (const range of this.scenario.ranges) {
      if (this.step < range.from || this.step > range.to) continue;
      if (address !== undefined && range.addresses.length > 0 && !range.addresses.includes(address)) continue;
      for (const e of range.entries) {
        if (!entryMatches(e, qname, qtype)) continue;
        const reply: Reply = { rcode: rcodeOf(e.rcode), answer: e.answer, authority: e.authority, additional: e.additional };
        for (const rr of e.authority) if (rr.type === RRType.NSEC || rr.type === RRType.NSEC3 || rr.type === RRType.RRSIG) this.seenDenial.push(rr);
        this.log.push({ server: address ?? '*', question: `${nameToText(qname)} ${typeToText(qtype)}`, entryLine: e.line, rcode: e.rcode });
        return reply;
      }
    }
    this.log.push({ server: address ?? '*', question: `${nameToText(qname)} ${typeToText(qtype)}` });
    return undefined;
  }

  /** Tries the servers in order; REFUSED or no entry means: the next one (a lame server). */
  private askServers(addresses: readonly string[], qname: Name, qtype: number): Reply | undefined {
    let last: Reply | undefined;
    for (const a of addresses) {
      const r = this.ask(a, qname, qtype);
      if (r && r.rcode !== Rcode.REFUSED) return r;
      last = r ?? last;
    }
    return last;
  }

  /** The deepest known zone cut at (or, strictly, above) `name`. */
  private closestCut(name: Name, strict: boolean): { zone: Name; addresses: string[] } | undefined {
    for (let n = strict ? name.length - 1 : name.length; n >= 0; n--) {
      const c = this.cuts.get(nameKey(name.slice(name.length - n)));
      if (c) return c;
    }
    return undefined;
  }

  /** One lookup as the resolver makes it: at the forwarder, or iteratively. */
  private lookup(qname: Name, qtype: number): Reply {
    let r: Reply;
    if (this.forward) {
      const got = this.askServers(this.forwardAddresses.length ? this.forwardAddresses : ['*'], qname, qtype);
      const cached = !got && qtype === RRType.DS && qname.length > 0 ? this.dsFromSeenDenial(qname) : undefined;
      if (cached) return cached;
      r = got ?? servfail(`no entry for ${nameToText(qname)} ${typeToText(qtype)} at the forwarder`);
    } else {
      r = this.iterate(qname, qtype, 0);
    }
    return { ...r, answer: scrubCnameOtherData(r.answer, qname, qtype) };
  }

  resolve(qname: Name, qtype: number): Reply {
    const first = this.lookup(qname, qtype);
    if (first.rcode !== Rcode.NOERROR && first.rcode !== Rcode.NXDOMAIN) return first;
    let answer = [...first.answer];
    let authority = [...first.authority];
    let additional = [...first.additional];
    let rcode: number = first.rcode;
    const asked = new Set<string>([nameKey(qname)]);
    for (let hop = 0; hop < MAX_CHAIN; hop++) {
      const end = chainEnd(answer, qname, qtype);
      if (end.complete || asked.has(nameKey(end.name))) break;
      asked.add(nameKey(end.name));
      const next = this.lookup(end.name, qtype);
      // No entry for the target: keep what the first server said (its proof may be in it).
      if (next.noEntry) break;
      if (next.rcode !== Rcode.NOERROR && next.rcode !== Rcode.NXDOMAIN) {
        rcode = next.rcode;
        break;
      }
      answer = dedupe([...answer, ...next.answer]);
      // Denial records of earlier links stay (a wildcard CNAME needs its proof); SOA/NS only from the last.
      const denial = (rr: RR) => rr.type === RRType.NSEC || rr.type === RRType.NSEC3 || rr.type === RRType.RRSIG;
      authority = dedupe([...authority.filter(denial), ...next.authority]);
      additional = dedupe([...additional, ...next.additional]);
      rcode = next.rcode;
    }
    return { rcode, answer: synthesizeDnameCnames(answer, qname, qtype), authority, additional };
  }

  /** Iterative resolution of one name and type, from the deepest known cut. */
  private iterate(qname: Name, qtype: number, depth: number): Reply {
    const q = `${nameToText(qname)} ${typeToText(qtype)}`;
    if (depth > MAX_NS_LOOKUP_DEPTH) return servfail(`NS lookups nested too deep for ${q}`, false);
    const isDs = qtype === RRType.DS && qname.length > 0;
    // A DS RRset (or its absence) seen in a referral is in the resolver's cache.
    const seen = isDs ? this.referrals.get(nameKey(qname)) : undefined;
    if (seen && provesDs(seen, qname)) return dsFromReferral(seen, qname);
    let cut = this.closestCut(qname, isDs);
    if (!cut) return servfail(`no zone cut known above ${q}`);
    for (let hop = 0; hop < MAX_REFERRALS; hop++) {
      const r = this.askServers(cut.addresses, qname, qtype);
      if (!r && isDs) {
        const fromSeen = this.dsFromSeenDenial(qname);
        if (fromSeen) return fromSeen;
      }
      if (!r) return servfail(`no entry for ${q} at the servers of ${nameToText(cut.zone)} (${cut.addresses.join(', ')})`);
      if (r.rcode !== Rcode.NOERROR && r.rcode !== Rcode.NXDOMAIN) return r;
      this.learnSoaCut(r, cut, qname);
      // RFC 2181 §5.4.1: answer records outside the zone the server answers
      // for are not authoritative data; a resolver drops them (and follows
      // the chain to the right servers itself).
      if (r.answer.some((rr) => rr.type !== RRType.RRSIG)) return { ...r, answer: r.answer.filter((rr) => isSubdomain(rr.name, cut!.zone)) };
      const ns = this.referral(r, cut.zone, qname);
      if (!ns) return r;
      this.referrals.set(nameKey(ns), r);
      // A referral to the DS owner itself: its DS RRset is the answer (Unbound's
      // scrubber moves it to the answer section), and so is its NSEC/NSEC3 proof
      // of no DS (Unbound answers from the cached proof). Without either, the
      // resolver follows it and asks the child's servers, as Unbound's iterator
      // does; whatever entry they have is the answer.
      if (qtype === RRType.DS && nameEquals(ns, qname) && provesDs(r, qname)) return dsFromReferral(r, qname);
      const addresses = this.addressesFor(r, ns, depth);
      if (addresses.length === 0) return servfail(`referral to ${nameToText(ns)} without reachable name servers`, false);
      cut = { zone: ns, addresses };
      this.cuts.set(nameKey(ns), cut);
    }
    return servfail(`more than ${MAX_REFERRALS} referrals for ${q}`, false);
  }

  /**
   * A DS query that no simulated server answers, for a name that the
   * parent zone's NSEC/NSEC3 records (seen in earlier responses of the
   * scenario) speak about: the parent's server would answer NODATA with
   * them, and Unbound answers from its cache with them. NSEC: the one owned
   * by the name or covering it; NSEC3: those of the deepest zone above the
   * name (the proof picks the matching or covering ones).
   */
  private dsFromSeenDenial(qname: Name): Reply | undefined {
    const sigsOf = (rr: RR) => this.seenDenial.filter((s) => covered(s) === rr.type && nameEquals(s.name, rr.name));
    // The zone whose server would answer: the deepest known cut above the name (stub mode).
    const zone = this.forward ? undefined : this.closestCut(qname, true)?.zone;
    const signerIsAbove = (rr: RR) => sigsOf(rr).some((s) => {
      const signer = rrsigOf(s)?.signerName;
      return signer !== undefined && (zone ? nameEquals(signer, zone) : isStrictSubdomain(qname, signer));
    });
    const nsec = this.seenDenial.filter((rr) => {
      if (rr.type !== RRType.NSEC || !signerIsAbove(rr)) return false;
      if (nameEquals(rr.name, qname)) return true;
      // An NSEC at an ancestor (a delegation) says nothing about names below it.
      if (isStrictSubdomain(qname, rr.name)) return false;
      const next = readNsec(rr.rdata)?.nextName;
      return next !== undefined && compareNames(rr.name, qname) < 0 && (compareNames(qname, next) < 0 || compareNames(next, rr.name) <= 0);
    });
    let chosen = nsec;
    if (chosen.length === 0) {
      const nsec3 = this.seenDenial.filter((rr) => rr.type === RRType.NSEC3 && isStrictSubdomain(qname, rr.name.slice(1)) && signerIsAbove(rr));
      const depth = Math.max(-1, ...nsec3.map((rr) => rr.name.length));
      chosen = nsec3.filter((rr) => rr.name.length === depth);
    }
    if (chosen.length === 0) return undefined;
    chosen = dedupe(chosen);
    this.synthesized.push(`${nameToText(qname)} DS: NODATA from ${chosen.length} NSEC/NSEC3 record(s) seen earlier`);
    return { rcode: Rcode.NOERROR, answer: [], authority: dedupe([...chosen, ...chosen.flatMap(sigsOf)]), additional: [] };
  }

  /**
   * An SOA in a negative answer names the zone the server answered from
   * (RFC 2308 §3); when that zone lies below the cut we asked at, the same
   * servers host it (val_cnametonsec.rpl: "this server also serves the zone
   * sub.example.com"), and later queries for names in it go there.
   */
  private learnSoaCut(r: Reply, cut: { zone: Name; addresses: string[] }, qname: Name): void {
    for (const rr of r.authority) {
      if (rr.type !== RRType.SOA || !isStrictSubdomain(rr.name, cut.zone) || !isSubdomain(qname, rr.name)) continue;
      if (!this.cuts.has(nameKey(rr.name))) this.cuts.set(nameKey(rr.name), { zone: rr.name, addresses: cut.addresses });
    }
  }

  /** The child zone of a referral: NS RRset below the current zone, at or above qname, and no SOA. */
  private referral(r: Reply, zone: Name, qname: Name): Name | undefined {
    if (r.rcode !== Rcode.NOERROR) return undefined;
    if (r.authority.some((rr) => rr.type === RRType.SOA)) return undefined;
    const ns = r.authority.find((rr) => rr.type === RRType.NS && isStrictSubdomain(rr.name, zone) && isSubdomain(qname, rr.name));
    return ns?.name;
  }

  /** Glue from the referral, else the NS names resolved from the root hints. */
  private addressesFor(r: Reply, zone: Name, depth: number): string[] {
    const targets = r.authority.filter((rr) => rr.type === RRType.NS && nameEquals(rr.name, zone)).map(targetOf).filter((t): t is Name => t !== undefined);
    const glue = r.additional.filter((rr) => rr.type === RRType.A && targets.some((t) => nameEquals(t, rr.name))).map((rr) => rdataToText(rr.type, rr.rdata));
    for (const rr of r.additional) {
      if (rr.type !== RRType.A) continue;
      const list = this.hosts.get(nameKey(rr.name)) ?? [];
      const a = rdataToText(rr.type, rr.rdata);
      if (!list.includes(a)) list.push(a);
      this.hosts.set(nameKey(rr.name), list);
    }
    if (glue.length > 0) return glue;
    // Addresses learned from earlier glue, as a resolver's cache holds them.
    const known = targets.flatMap((t) => this.hosts.get(nameKey(t)) ?? []);
    if (known.length > 0) return known;
    const out: string[] = [];
    for (const t of targets) {
      const a = this.iterate(t, RRType.A, depth + 1);
      for (const rr of a.answer) if (rr.type === RRType.A && nameEquals(rr.name, t)) out.push(rdataToText(rr.type, rr.rdata));
      if (out.length > 0) break;
    }
    return out;
  }
}
