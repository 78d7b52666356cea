/**
 * Classifies one answer: follows the CNAME/DNAME chain from the question name
 * (RFC 1034 §3.6.2, RFC 6672), validates every link in its own zone, and the
 * final positive RRset or the denial of existence (RFC 4035 §5.3-§5.4,
 * RFC 5155 §8). The result is the weakest link.
 */
import {
  type Name,
  isStrictSubdomain,
  isSubdomain,
  nameEquals,
  nameKey,
  nameToText,
  parentName,
  readName,
  rrsigLabelCount,
  nameWireLength,
  MAX_NAME_WIRE_LENGTH,
} from '../wire/name.js';
import type { Message, RR } from '../wire/message.js';
import { RRType, rcodeToText, Rcode } from '../wire/rrtype.js';
import { EDE, type Reason, type Status } from '../types.js';
import { type RRset, verifyRrset, cappedTtl } from '../dnssec/rrsig.js';
import { rrsigOf } from '../dnssec/records.js';
import { MAX_CNAME_CHAIN, MAX_RESULT_TTL, MAX_RRSIGS_PER_RRSET, MAX_SIGNERS_PER_RRSET } from '../dnssec/limits.js';
import { responseRRsets, findRRset, type ResponseRRsets } from './rrsets.js';
import type { QuestionContext } from './context.js';
import type { KeyChain, KeyEntry } from './key-chain.js';
import { traceChecks, checkRcode } from './key-chain.js';
import { reason, rrsetFailureReason, rrsetLabel, sortReasons } from './reasons.js';
import { denialInputFrom, proveNodata, proveNxdomain, proveWildcardAnswer } from './denial-input.js';
import type { ChainStep } from './result.js';
import type { AggressiveCache } from './aggressive-cache.js';
import type { DenialInput } from '../dnssec/denial.js';
import { provesNameAbsent } from '../dnssec/absence.js';

/** The verdict on one link of the answer. */
export interface Link {
  readonly status: Status;
  readonly reasons: readonly Reason[];
  readonly ttl: number;
  /** The RRset(s) this link contributes to the answer (none for a denial). */
  readonly rrsets: readonly RRset[];
}

export interface AnswerOutcome {
  readonly status: Status;
  readonly reasons: Reason[];
  readonly ttl: number;
  readonly rcode: number;
  readonly rrsets: RRset[];
}

const STATUS_RANK: Record<Status, number> = { bogus: 0, insecure: 1, secure: 2 };

export function weakest(a: Status, b: Status): Status {
  return STATUS_RANK[a] <= STATUS_RANK[b] ? a : b;
}

export class AnswerValidator {
  constructor(
    private readonly keys: KeyChain,
    private readonly ctx: QuestionContext,
    private readonly prefetch: boolean,
    /** Where validated denials and wildcard RRsets are kept for later questions (RFC 8198); none when off. */
    private readonly aggressive?: AggressiveCache,
  ) {}

  private vctx() {
    return { now: this.ctx.now, budget: this.ctx.budget, crypto: this.ctx.crypto };
  }

  /** The name whose zone decides an unsigned RRset's fate: DS lives in the parent zone. */
  private static zoneLookupName(name: Name, type: number): Name {
    return type === RRType.DS ? (parentName(name) ?? name) : name;
  }

  /** Zone security for data that carries no usable signature. */
  private unsignedVerdict(name: Name, type: number, what: string, missing: Reason): Promise<Link> {
    return this.unsignedVerdictAt(AnswerValidator.zoneLookupName(name, type), what, missing);
  }

  /** Zone security for the name `lookup` (the name itself, or a DS owner's parent). */
  private async unsignedVerdictAt(lookup: Name, what: string, missing: Reason): Promise<Link> {
    const entry = await this.keys.entryFor(lookup, this.ctx, this.prefetch);
    if (entry.kind === 'insecure') return { status: 'insecure', reasons: entry.reasons, ttl: this.entryTtl(entry), rrsets: [] };
    if (entry.kind === 'bogus') return { status: 'bogus', reasons: entry.reasons, ttl: 0, rrsets: [] };
    const r: Reason = missing.zone ? missing : { ...missing, text: `${missing.text}: ${what} in the signed zone ${nameToText(entry.zone)}`, zone: nameToText(entry.zone) };
    return { status: 'bogus', reasons: [r], ttl: 0, rrsets: [] };
  }

  /**
   * The signers of an RRset's RRSIGs that could be its zone (RFC 4035 §5.3.1):
   * ancestors of the owner, deepest first, at most MAX_SIGNERS_PER_RRSET.
   */
  private static signersOf(rrset: RRset): Name[] {
    const out: Name[] = [];
    for (const sig of rrset.sigs) {
      const s = rrsigOf(sig);
      if (!s || !isSubdomain(rrset.name, s.signerName)) continue;
      // A DS RRset belongs to the parent zone: the child cannot sign it (RFC 4035 §2.4).
      if (rrset.type === RRType.DS && nameEquals(rrset.name, s.signerName)) continue;
      if (!out.some((o) => nameEquals(o, s.signerName))) out.push(s.signerName);
    }
    out.sort((x, y) => y.length - x.length);
    return out.slice(0, MAX_SIGNERS_PER_RRSET);
  }

  /**
   * A signer above the closest trust anchor of `about` (an island of trust)
   * may only vouch for data there with a secure chain of its own: its
   * insecurity must not spill into the island (fail closed).
   */
  private aboveAnchor(signer: Name, about: Name): boolean {
    const anchor = this.keys.closestAnchor(about);
    return anchor !== undefined && !isSubdomain(signer, anchor.zone);
  }

  /**
   * The secure key entry of the zone `signer`, or a link that says why there
   * is none; that it is THE zone of the name is cutCheck()'s to say.
   */
  private async signerZoneEntry(signer: Name, what: string): Promise<Extract<KeyEntry, { kind: 'secure' }> | Link> {
    const entry = await this.keys.entryFor(signer, this.ctx, this.prefetch);
    if (entry.kind === 'insecure') return { status: 'insecure', reasons: entry.reasons, ttl: this.entryTtl(entry), rrsets: [] };
    if (entry.kind === 'bogus') return { status: 'bogus', reasons: entry.reasons, ttl: 0, rrsets: [] };
    if (!nameEquals(entry.zone, signer)) {
      return {
        status: 'bogus',
        reasons: [reason(EDE.DNSSEC_BOGUS, `${what} is signed by ${nameToText(signer)}, which is not a zone (no delegation to it from ${nameToText(entry.zone)})`, entry.zone)],
        ttl: 0,
        rrsets: [],
      };
    }
    return entry;
  }

  /**
   * RFC 4035 §5.3.1: the signer must be THE zone holding the name, not a
   * zone above a cut (a parent's old signatures replayed below a delegation).
   * A link when a cut lies between them, else undefined. With `input`, the
   * signer's verified records of a denial or wildcard proof that held: the
   * names they prove absent are no cuts and need no DS query (RFC 6840 §4.1:
   * an ancestor delegation's NSEC proves nothing below it). Names they show
   * to exist are still checked: a replayed record from before a delegation
   * shows just that.
   */
  private async cutCheck(signer: Name, what: string, about: Name, input?: DenialInput): Promise<Link | undefined> {
    const cut = await this.keys.cutBetween(signer, about, this.ctx, 0, input ? (c) => provesNameAbsent(c, input) : undefined);
    if (!cut) return undefined;
    // The name lives in another zone: judge it by that zone, as if the
    // signatures were absent (insecure below a proven unsigned cut, else bogus).
    return this.unsignedVerdictAt(
      about,
      what,
      reason(EDE.DNSSEC_BOGUS, `${what} is signed by ${nameToText(signer)}, but ${nameToText(cut)} is a zone cut between them (RFC 4035 §5.3.1)`, cut),
    );
  }

  /** Seconds a key entry still holds (insecure proofs expire too). */
  private entryTtl(entry: KeyEntry): number {
    return Math.max(0, Math.min(entry.expires, this.ctx.now + MAX_RESULT_TTL) - this.ctx.now);
  }

  /** The denial records of the response, verified with the signer's keys, and the wildcard answer proof over them. */
  private wildcardProof(rrset: RRset, labels: number, sets: ResponseRRsets, entry: Extract<KeyEntry, { kind: 'secure' }>) {
    const d = denialInputFrom(sets.authority, entry, this.vctx());
    return { d, outcome: proveWildcardAnswer(rrset.name, labels, d.input) };
  }

  /** RFC 4035 §5.3: one RRset of the answer, including wildcard expansion (§5.3.4). */
  async positive(rrset: RRset, sets: ResponseRRsets, kind: ChainStep['kind']): Promise<Link> {
    const what = rrsetLabel(rrset.name, rrset.type);
    const about = AnswerValidator.zoneLookupName(rrset.name, rrset.type);
    const signers = AnswerValidator.signersOf(rrset);
    if (signers.length === 0) {
      const link = await this.unsignedVerdict(rrset.name, rrset.type, what, reason(EDE.RRSIGS_MISSING, 'RRSIGs missing'));
      this.ctx.addStep({ kind, zone: nameToText(rrset.name), signatures: [], status: link.status, note: `${what}: unsigned` });
      return { ...link, ttl: link.status === 'insecure' ? Math.min(rrset.ttl, link.ttl) : 0, rrsets: [rrset] };
    }
    // Several signers (a zone and, wrongly or maliciously, another): the
    // deepest that validates wins; otherwise the first verdict stands.
    let first: Link | undefined;
    for (const signer of signers) {
      const link = await this.positiveBySigner(rrset, sets, kind, signer, what);
      if (link.status === 'secure') return link;
      if (!this.aboveAnchor(signer, about)) first ??= link;
    }
    if (first) return first;
    // Only signers above the island's anchor, and none secure: judge the
    // data from the island's own anchor, as if unsigned.
    return { ...(await this.unsignedVerdict(rrset.name, rrset.type, what, reason(EDE.RRSIGS_MISSING, 'RRSIGs missing'))), rrsets: [rrset] };
  }

  private async positiveBySigner(rrset: RRset, sets: ResponseRRsets, kind: ChainStep['kind'], signer: Name, what: string): Promise<Link> {
    const about = AnswerValidator.zoneLookupName(rrset.name, rrset.type);
    const notSecure = (link: Link): Link => {
      this.ctx.addStep({ kind, zone: nameToText(signer), signatures: [], status: link.status, note: what });
      return { ...link, ttl: link.status === 'insecure' ? Math.min(rrset.ttl, link.ttl) : 0, rrsets: [rrset] };
    };
    const entry = await this.signerZoneEntry(signer, what);
    if (!('kind' in entry)) return notSecure(entry);
    const check = verifyRrset(rrset, entry.dnskeys, this.vctx(), MAX_RRSIGS_PER_RRSET);
    // A wildcard expansion: the proof that the name itself does not exist
    // (RFC 4035 §5.3.4) also shows it lies in the signer's zone.
    const wildcard = check.ok && check.sig.labels < rrsigLabelCount(rrset.name) ? this.wildcardProof(rrset, check.sig.labels, sets, entry) : undefined;
    {
      const proven = wildcard && (wildcard.outcome.result === 'proven' || wildcard.outcome.result === 'no-cut');
      const cut = await this.cutCheck(signer, what, about, proven ? wildcard.d.input : undefined);
      if (cut) return notSecure(cut);
    }
    const signatures = traceChecks(rrset, check);
    if (!check.ok) {
      this.ctx.addStep({ kind, zone: nameToText(entry.zone), signatures, status: 'bogus', note: what });
      return { status: 'bogus', reasons: [rrsetFailureReason(check, what, entry.zone)], ttl: 0, rrsets: [rrset] };
    }
    // The answer lives no longer than the keys that vouch for it.
    let ttl = Math.min(cappedTtl(rrset.ttl, check.sig, this.ctx.now), Math.max(0, entry.expires - this.ctx.now));
    if (wildcard) {
      const { d, outcome } = wildcard;
      signatures.push(...d.signatures);
      if (outcome.result === 'proven' || outcome.result === 'no-cut') {
        this.ctx.addStep({ kind: 'wildcard', zone: nameToText(entry.zone), signatures, status: 'secure', note: `${what} from a wildcard: ${outcome.detail}` });
        ttl = Math.min(ttl, d.ttl);
        // RFC 8198 §5.3: the proof and the wildcard RRset answer later names too.
        this.aggressive?.addDenial(d.input, ttl, this.ctx.now);
        this.aggressive?.addWildcard(entry.zone, rrset, check.sig.labels, ttl, this.ctx.now);
      } else if (outcome.result === 'insecure') {
        this.ctx.addStep({ kind: 'wildcard', zone: nameToText(entry.zone), signatures, status: 'insecure', note: outcome.detail });
        return { status: 'insecure', reasons: [reason(outcome.ede ?? EDE.OTHER, `wildcard answer ${what}: ${outcome.detail}`, entry.zone)], ttl, rrsets: [rrset] };
      } else {
        this.ctx.addStep({ kind: 'wildcard', zone: nameToText(entry.zone), signatures, status: 'bogus', note: outcome.text });
        const reasons = [...d.failures, reason(outcome.ede, `wildcard answer ${what} without a proof that the name does not exist: ${outcome.text}`, entry.zone)];
        return { status: 'bogus', reasons, ttl: 0, rrsets: [rrset] };
      }
    } else {
      this.ctx.addStep({ kind, zone: nameToText(entry.zone), signatures, status: 'secure', note: what });
    }
    // The owner and the names above it up to the signer are no zone cuts
    // (a DS RRset's owner is: it lives at the parent side of one).
    this.keys.markNotCuts(AnswerValidator.zoneLookupName(rrset.name, rrset.type), entry.zone, this.ctx.now + ttl);
    return { status: 'secure', reasons: [], ttl, rrsets: [rrset] };
  }

  /** RFC 4035 §5.4, RFC 5155 §8.4-§8.7: NXDOMAIN or NODATA for `name`. */
  async negative(name: Name, qtype: number, msg: Message, sets: ResponseRRsets, assumeNxdomain = false): Promise<Link> {
    const nx = assumeNxdomain || msg.rcode === Rcode.NXDOMAIN;
    const what = `${nx ? 'NXDOMAIN' : 'NODATA'} for ${rrsetLabel(name, qtype)}`;
    let signer: Name | undefined;
    for (const set of sets.authority) {
      if (set.type !== RRType.SOA && set.type !== RRType.NSEC && set.type !== RRType.NSEC3) continue;
      const s = AnswerValidator.signersOf(set)[0];
      if (s && isSubdomain(name, s) && (!signer || s.length > signer.length)) signer = s;
    }
    // The zone that answered is named by its SOA: when that lies below every
    // signer (an unsigned zone under a signed parent), the signed records are
    // the parent's and cannot speak for it; the unsigned path decides.
    const soaSet = findSoa(sets);
    if (signer && soaSet && isSubdomain(name, soaSet.name) && isStrictSubdomain(soaSet.name, signer)) signer = undefined;
    const hasDenialRecords = sets.authority.some((s) => s.type === RRType.NSEC || s.type === RRType.NSEC3);
    const referral = !nx && !findSoa(sets) ? sets.authority.find((s) => s.type === RRType.NS && isSubdomain(name, s.name)) : undefined;
    // A referral above the name's island of trust proves nothing there.
    if (referral && !this.aboveAnchor(referral.name, AnswerValidator.zoneLookupName(name, qtype)) && (!signer || isStrictSubdomain(referral.name, signer))) {
      // A referral instead of an answer (RFC 4035 §5.2): the name lies below
      // the delegation; its fate is the delegation's.
      const entry = await this.keys.entryFor(referral.name, this.ctx, this.prefetch);
      const status = entry.kind === 'insecure' ? 'insecure' : 'bogus';
      const reasons =
        entry.kind === 'secure'
          ? [reason(EDE.DNSSEC_BOGUS, `upstream returned a referral to the signed zone ${nameToText(referral.name)} instead of an answer`, entry.zone)]
          : entry.reasons;
      this.ctx.addStep({ kind: 'denial', zone: nameToText(referral.name), signatures: [], status, note: `${what}: referral to ${nameToText(referral.name)}` });
      return { status, reasons, ttl: status === 'insecure' ? Math.min(referral.ttl, this.entryTtl(entry)) : 0, rrsets: [] };
    }
    if (!signer) {
      const missing = hasDenialRecords
        ? reason(EDE.RRSIGS_MISSING, 'RRSIGs missing on the denial of existence')
        : reason(EDE.NSEC_MISSING, 'no NSEC or NSEC3 proof');
      const link = await this.unsignedVerdict(name, qtype, what, missing);
      this.ctx.addStep({ kind: 'denial', zone: nameToText(name), signatures: [], status: link.status, note: `${what}: no signed proof` });
      const soa = findSoa(sets);
      return { ...link, ttl: link.status === 'insecure' && soa ? Math.min(negativeTtl(soa), link.ttl) : 0 };
    }
    const about = AnswerValidator.zoneLookupName(name, qtype);
    let entry = await this.signerZoneEntry(signer, what);
    // The records verified with the signer's keys; when the proof over them
    // holds, the names it proves absent need no zone-cut query (cutCheck).
    const d = 'kind' in entry ? denialInputFrom(sets.authority, entry, this.vctx()) : undefined;
    const early = d?.hadRecords ? (nx ? proveNxdomain(name, d.input) : proveNodata(name, qtype, d.input)) : undefined;
    if ('kind' in entry) {
      const proven = early && (early.result === 'proven' || early.result === 'no-cut');
      entry = (await this.cutCheck(signer, what, about, proven ? d?.input : undefined)) ?? entry;
    }
    if (!('kind' in entry) && this.aboveAnchor(signer, AnswerValidator.zoneLookupName(name, qtype))) {
      // A denial from above an island of trust counts only when secure.
      const link = await this.unsignedVerdict(name, qtype, what, reason(EDE.RRSIGS_MISSING, 'RRSIGs missing on the denial of existence'));
      this.ctx.addStep({ kind: 'denial', zone: nameToText(name), signatures: [], status: link.status, note: `${what}: denial from ${nameToText(signer)}, above the trust anchor` });
      return { ...link, ttl: 0 };
    }
    if (!('kind' in entry)) {
      this.ctx.addStep({ kind: 'denial', zone: nameToText(signer), signatures: [], status: entry.status, note: what });
      const soa = findSoa(sets);
      return { ...entry, ttl: entry.status === 'insecure' && soa ? Math.min(negativeTtl(soa), entry.ttl) : 0 };
    }
    // A secure entry here is the signer's own (a cut would have made it a link): d and early are over its keys.
    if (!d) throw new Error('internal: denial records not verified');
    const signatures = [...d.signatures];
    let ttl = Math.min(d.ttl, Math.max(0, entry.expires - this.ctx.now));
    const soa = findSoa(sets);
    let soaOk = !soa;
    if (soa) {
      const check = verifyRrset(soa, entry.dnskeys, this.vctx(), MAX_RRSIGS_PER_RRSET);
      signatures.push(...traceChecks(soa, check));
      if (check.ok) ttl = Math.min(ttl, cappedTtl(negativeTtl(soa), check.sig, this.ctx.now));
      soaOk = check.ok;
    }
    if (!d.hadRecords || !early) {
      this.ctx.addStep({ kind: 'denial', zone: nameToText(entry.zone), signatures, status: 'bogus', note: `${what}: no NSEC or NSEC3` });
      return { status: 'bogus', reasons: [reason(EDE.NSEC_MISSING, `${what} without NSEC or NSEC3 records`, entry.zone)], ttl: 0, rrsets: [] };
    }
    const outcome = early;
    if (outcome.result === 'proven' || outcome.result === 'no-cut') {
      this.ctx.addStep({ kind: 'denial', zone: nameToText(entry.zone), signatures, status: 'secure', note: `${what}: ${outcome.detail}` });
      this.keys.markNotCuts(about, entry.zone, this.ctx.now + ttl);
      // RFC 8198: kept for later names, for min(NSEC TTL, SOA TTL, SOA MINIMUM) (RFC 9077 §3), only with a verified SOA.
      if (soaOk) this.aggressive?.addDenial(d.input, ttl, this.ctx.now);
      return { status: 'secure', reasons: [], ttl, rrsets: [] };
    }
    if (outcome.result === 'insecure') {
      const anchor = this.keys.closestAnchor(name);
      if (anchor && isStrictSubdomain(anchor.zone, entry.zone)) {
        // A trust anchor below the zone that denied covers the name: an
        // Opt-Out span above it cannot make its data insecure.
        return this.unsignedVerdict(name, qtype, what, reason(EDE.RRSIGS_MISSING, 'RRSIGs missing on the denial of existence'));
      }
      this.ctx.addStep({ kind: 'denial', zone: nameToText(entry.zone), signatures, status: 'insecure', note: outcome.detail });
      return { status: 'insecure', reasons: [reason(outcome.ede ?? EDE.OTHER, `${what}: ${outcome.detail}`, entry.zone)], ttl, rrsets: [] };
    }
    // The proof failed: bogus. (A name below a proven unsigned cut never gets
    // here: cutCheck() finds the cut and judges the name by its own zone.)
    // EDE 12 is for a missing NSEC; records that are there but prove nothing are plain bogus (RFC 8914 §4.7, §4.13).
    const ede = outcome.ede === EDE.NSEC_MISSING && (d.input.nsec.length > 0 || d.input.nsec3.length > 0) ? EDE.DNSSEC_BOGUS : outcome.ede;
    this.ctx.addStep({ kind: 'denial', zone: nameToText(entry.zone), signatures, status: 'bogus', note: outcome.text });
    return { status: 'bogus', reasons: [...d.failures, reason(ede, `${what}: ${outcome.text}`, entry.zone)], ttl: 0, rrsets: [] };
  }

  /** Follows the answer from `qname` and validates every link. */
  async run(qname: Name, qtype: number): Promise<AnswerOutcome> {
    let msg = await this.ctx.ask(qname, qtype);
    checkAnswerRcode(msg, qname, qtype);
    const links: Link[] = [];
    const visited = new Set<string>([nameKey(qname)]);
    let name = qname;
    let finalRcode = msg.rcode;
    const done = (extra?: Link): AnswerOutcome => combine(extra ? [...links, extra] : links, finalRcode);
    // The rcode is not signed. It applies to the last name of the chain
    // (RFC 6604 §3): NXDOMAIN beside data for that name contradicts the
    // signed data (RFC 1035 §4.1.1), and YXDOMAIN is only what a DNAME
    // substitution that grows too long yields (RFC 6672 §2.2), worked out here.
    const rcodeContradicts = (m: Message, what: string): Link | undefined =>
      m.rcode === Rcode.NXDOMAIN || m.rcode === Rcode.YXDOMAIN
        ? { status: 'bogus', reasons: [reason(EDE.DNSSEC_BOGUS, `${rcodeToText(m.rcode)} contradicts the data for ${what} in the same response`)], ttl: 0, rrsets: [] }
        : undefined;
    const finalPositive = async (sets2: ResponseRRsets, rrsets: readonly RRset[]): Promise<AnswerOutcome> => {
      for (const s of rrsets) links.push(await this.positive(s, sets2, 'answer'));
      // Asked for the CNAME itself, the resolver may still follow it, and the
      // rcode then speaks of its target (RFC 6604 §3): an NXDOMAIN must be
      // proven for the target like any other (RFC 4035 §5.4).
      const cnameTargetName = qtype === RRType.CNAME && msg.rcode === Rcode.NXDOMAIN && rrsets[0] ? cnameTarget(rrsets[0]) : undefined;
      if (cnameTargetName) return done(await this.negative(cnameTargetName, RRType.A, msg, sets2));
      const bad = rcodeContradicts(msg, rrsetLabel(name, qtype));
      return bad ? done(bad) : done();
    };

    for (let hop = 0; ; hop++) {
      if (hop > MAX_CNAME_CHAIN) {
        return done({ status: 'bogus', reasons: [reason(EDE.DNSSEC_BOGUS, `CNAME/DNAME chain longer than ${MAX_CNAME_CHAIN} links`)], ttl: 0, rrsets: [] });
      }
      const sets = responseRRsets(msg);
      finalRcode = msg.rcode;
      // A DNAME above the name comes first: the CNAME a server synthesises
      // from it is unsigned and is checked against the DNAME (RFC 6672 §3.2, §5.3.3).
      {
        const dname = sets.answer.find((s) => s.type === RRType.DNAME && isStrictSubdomain(name, s.name));
        if (dname) {
          let link = await this.positive(dname, sets, 'dname');
          const dsig = dname.sigs.map((x) => rrsigOf(x)).find((x) => x !== undefined);
          if (link.status === 'secure' && dsig && dsig.labels < rrsigLabelCount(dname.name)) {
            // A DNAME expanded from a wildcard is undefined (RFC 4592 §4.4, RFC 6672 §3.3).
            link = { status: 'bogus', reasons: [reason(EDE.DNSSEC_BOGUS, `DNAME ${nameToText(dname.name)} synthesised from a wildcard`)], ttl: 0, rrsets: [dname] };
          }
          if (link.status !== 'secure' && this.aboveAnchor(dname.name, name)) {
            // A DNAME owned above the name's island of trust cannot redirect
            // it unless it is secure: the island's own anchor decides.
            const island = await this.unsignedVerdict(name, qtype, rrsetLabel(name, qtype), reason(EDE.RRSIGS_MISSING, 'redirected by a DNAME from outside the island of trust'));
            if (island.status !== 'insecure') return done({ ...island, rrsets: [] });
          }
          const target = cnameTarget(dname);
          if (!target || dname.rrs.length !== 1) {
            return done({ status: 'bogus', reasons: [reason(EDE.DNSSEC_BOGUS, `malformed DNAME RRset at ${nameToText(dname.name)}`)], ttl: 0, rrsets: [] });
          }
          // RFC 6672 §2.2: replace the DNAME owner suffix with its target.
          const synthesized = [...name.slice(0, name.length - dname.name.length), ...target];
          const synth = findRRset(sets.answer, name, RRType.CNAME);
          const synthRRsets = synth ? [dname, synth] : [dname];
          links.push({ ...link, rrsets: synthRRsets });
          if (nameWireLength(synthesized) > MAX_NAME_WIRE_LENGTH) {
            finalRcode = Rcode.YXDOMAIN;
            return done();
          }
          if (synth) {
            const synthTarget = cnameTarget(synth);
            if (!synthTarget || !nameEquals(synthTarget, synthesized)) {
              return done({ status: 'bogus', reasons: [reason(EDE.DNSSEC_BOGUS, `the CNAME at ${nameToText(name)} does not match the synthesis from the DNAME at ${nameToText(dname.name)} (RFC 6672 §3.2)`)], ttl: 0, rrsets: [] });
            }
          }
          if (visited.has(nameKey(synthesized))) {
            return done({ status: 'bogus', reasons: [reason(EDE.DNSSEC_BOGUS, `DNAME loop at ${nameToText(synthesized)}`)], ttl: 0, rrsets: [] });
          }
          // Asked for the CNAME itself: the synthesised CNAME is the answer.
          if (qtype === RRType.CNAME && synth) {
            return done();
          }
          visited.add(nameKey(synthesized));
          name = synthesized;
          msg = await this.continueChain(msg, sets, name, qtype);
          continue;
        }
      }
      if (qtype === RRType.ANY) {
        const all = sets.answer.filter((s) => nameEquals(s.name, name));
        if (all.length > 0) return finalPositive(sets, all);
      } else {
        const target = findRRset(sets.answer, name, qtype);
        if (target) return finalPositive(sets, [target]);
      }
      if (qtype !== RRType.CNAME) {
        const cname = findRRset(sets.answer, name, RRType.CNAME);
        if (cname) {
          const link = await this.positive(cname, sets, 'cname');
          links.push(link);
          const next = cnameTarget(cname);
          if (!next || cname.rrs.length !== 1) {
            return done({ status: 'bogus', reasons: [reason(EDE.DNSSEC_BOGUS, `malformed CNAME RRset at ${nameToText(name)}`)], ttl: 0, rrsets: [] });
          }
          if (visited.has(nameKey(next))) {
            return done({ status: 'bogus', reasons: [reason(EDE.DNSSEC_BOGUS, `CNAME loop at ${nameToText(next)}`)], ttl: 0, rrsets: [] });
          }
          visited.add(nameKey(next));
          name = next;
          msg = await this.continueChain(msg, sets, name, qtype);
          continue;
        }
      }
      if (msg.rcode === Rcode.YXDOMAIN) {
        return done({ status: 'bogus', reasons: [reason(EDE.DNSSEC_BOGUS, `YXDOMAIN for ${rrsetLabel(name, qtype)} without a DNAME that grows too long (RFC 6672 §2.2)`)], ttl: 0, rrsets: [] });
      }
      let denial = await this.negative(name, qtype, msg, sets);
      if (denial.status === 'bogus' && links.length > 0 && msg.rcode === Rcode.NOERROR) {
        // Some servers answer NOERROR for a CNAME whose target does not exist
        // (the rcode ambiguity RFC 6604 settled). If the response proves the
        // target's non-existence, that proof stands (as Unbound repairs it).
        const asNx = await this.negative(name, qtype, msg, sets, true);
        if (asNx.status !== 'bogus') {
          denial = asNx;
          finalRcode = Rcode.NXDOMAIN;
        }
      }
      links.push(denial);
      return done();
    }
  }

  /**
   * After a CNAME/DNAME link, the rest of the chain is normally in the same
   * response (the recursive resolver followed it). When the response holds
   * nothing about the new name — no data, no SOA, no denial — ask for it.
   */
  private async continueChain(msg: Message, sets: ResponseRRsets, name: Name, qtype: number): Promise<Message> {
    const hasData = sets.answer.some((s) => nameEquals(s.name, name) || (s.type === RRType.DNAME && isStrictSubdomain(name, s.name)));
    const hasNegative = msg.rcode === Rcode.NXDOMAIN || sets.authority.some((s) => s.type === RRType.SOA || s.type === RRType.NSEC || s.type === RRType.NSEC3);
    if (hasData || hasNegative) return msg;
    const next = await this.ctx.ask(name, qtype);
    checkAnswerRcode(next, name, qtype);
    return next;
  }
}

function checkAnswerRcode(msg: Message, name: Name, qtype: number): void {
  if (msg.rcode === Rcode.YXDOMAIN) return;
  checkRcode(msg, name, rrsetLabel(name, qtype).split(' ')[1] ?? '');
}

function findSoa(sets: ResponseRRsets): RRset | undefined {
  return sets.authority.find((s) => s.type === RRType.SOA);
}

/** RFC 2308 §5: a negative answer lives min(SOA TTL, SOA MINIMUM). */
function negativeTtl(soa: RRset): number {
  const rd = soa.rrs[0]?.rdata;
  if (!rd || rd.length < 4) return soa.ttl;
  const minimum = ((rd[rd.length - 4]! << 24) >>> 0) + ((rd[rd.length - 3]! << 16) | (rd[rd.length - 2]! << 8) | rd[rd.length - 1]!);
  return Math.min(soa.ttl, minimum);
}

/** The target of a CNAME or DNAME RRset (its single RDATA name). */
function cnameTarget(set: RRset): Name | undefined {
  const rr: RR | undefined = set.rrs[0];
  if (!rr) return undefined;
  try {
    const { name, end } = readName(rr.rdata, 0);
    return end === rr.rdata.length ? name : undefined;
  } catch {
    return undefined;
  }
}

function combine(links: readonly Link[], rcode: number): AnswerOutcome {
  let status: Status = 'secure';
  const reasons: Reason[] = [];
  let ttl = Number.POSITIVE_INFINITY;
  const rrsets: RRset[] = [];
  for (const l of links) {
    status = weakest(status, l.status);
    reasons.push(...l.reasons);
    ttl = Math.min(ttl, l.ttl);
    rrsets.push(...l.rrsets);
  }
  if (links.length === 0) status = 'bogus';
  // Insecure results keep only the reasons of insecure links; bogus ones the bogus links first.
  const kept = status === 'secure' ? [] : sortReasons(status === 'bogus' ? [...links.filter((l) => l.status === 'bogus').flatMap((l) => l.reasons), ...reasons] : reasons);
  return { status, reasons: kept, ttl: Number.isFinite(ttl) ? ttl : 0, rcode, rrsets };
}

