/**
 * Authenticated denial of existence with NSEC (RFC 4035 §5.4, RFC 6840 §4).
 *
 * Pure functions over NSEC records whose signatures the caller has already
 * verified, all from one zone. Each proof returns a DenialOutcome (see
 * denial.ts); nothing here throws for hostile input.
 */
import {
  type Name,
  ancestorWithLabels,
  commonAncestor,
  compareNames,
  isStrictSubdomain,
  isSubdomain,
  nameEquals,
  nameToText,
} from '../wire/name.js';
import { RRType } from '../wire/rrtype.js';
import { EDE } from '../types.js';
import { type TypeBitmap, readNsec } from './records.js';
import type { DenialOutcome, DenialRecord } from './denial-types.js';
import { type BitmapProblem, bitmapProblemText, mayDenyNamesBelow, noDsAtMatch, noDsAtWildcard, nodataProblem } from './bitmap.js';
import { isWildcardExpansion } from './rrsig.js';

export { isDelegationBitmap } from './bitmap.js';

/** An NSEC record reduced to what the proofs read. */
export interface Nsec {
  readonly owner: Name;
  readonly next: Name;
  readonly types: TypeBitmap;
  /** "NSEC <owner> -> <next>" for the proofs' texts, made once (records held by the RFC 8198 cache are shown often). */
  span?: string;
}

/**
 * Parses the records and keeps those that can take part in a proof of `zone`:
 * well-formed RDATA, owner and Next Domain Name both inside the zone (an NSEC
 * pointing outside its zone says nothing about it).
 */
export function usableNsecs(records: readonly DenialRecord[], zone: Name): Nsec[] {
  const out: Nsec[] = [];
  for (const r of records) {
    const n = parsedNsec(r);
    if (!n) continue;
    if (!isSubdomain(n.owner, zone) || !isSubdomain(n.next, zone)) continue;
    out.push(n);
  }
  return out;
}

/**
 * Each record read once: records held across questions (the RFC 8198 cache)
 * are proofs again and again, and reading the RDATA was most of their cost
 * (bench:bulk). Keyed by the record object, whose fields are read-only.
 */
const parsed = new WeakMap<DenialRecord, Nsec | null>();

function parsedNsec(r: DenialRecord): Nsec | undefined {
  let n = parsed.get(r);
  if (n === undefined) {
    const d = readNsec(r.rdata);
    n = d ? { owner: r.owner, next: d.nextName, types: d.types } : null;
    parsed.set(r, n);
  }
  return n ?? undefined;
}

/**
 * RFC 4034 §4.1.1 / RFC 4035 §5.4: `name` sorts strictly between the owner and
 * the Next Domain Name. The last NSEC of a zone wraps to the apex (next <= owner
 * in canonical order); it then covers every name after its owner that is below
 * the apex. A one-NSEC zone (owner == next == apex) covers every name below it.
 */
export function nsecCovers(nsec: Nsec, name: Name): boolean {
  if (compareNames(nsec.owner, name) >= 0) return false;
  if (compareNames(nsec.owner, nsec.next) < 0) return compareNames(name, nsec.next) < 0;
  return isStrictSubdomain(name, nsec.next);
}

/**
 * True when this NSEC proves that no name `name` exists at all:
 * - it covers `name` (RFC 4035 §5.4);
 * - its next name is not below `name` (if it were, `name` would be an empty
 *   non-terminal, which exists; RFC 4592 §2.2.2);
 * - its owner is not an ancestor delegation or DNAME owner: "Ancestor
 *   delegation NSEC or NSEC3 RRs MUST NOT be used to assume nonexistence of
 *   any RRs below that zone cut" and an NSEC with the DNAME bit "MUST NOT be
 *   used to assume the nonexistence of any subdomain" (RFC 6840 §4.1).
 */
export function nsecProvesNameAbsent(nsec: Nsec, name: Name): boolean {
  if (!nsecCovers(nsec, name)) return false;
  if (isStrictSubdomain(nsec.next, name)) return false;
  return !(isStrictSubdomain(name, nsec.owner) && !mayDenyNamesBelow(nsec.types));
}

/**
 * The closest encloser a covering NSEC proves (RFC 4592 §3.3.1; Unbound
 * nsec_closest_encloser): its owner and next name exist, hence so do their
 * ancestors; the longest ancestor `qname` shares with either is the longest
 * existing ancestor of `qname`.
 */
export function nsecClosestEncloser(nsec: Nsec, qname: Name): Name {
  const a = commonAncestor(nsec.owner, qname);
  const b = commonAncestor(nsec.next, qname);
  return a.length >= b.length ? a : b;
}

/**
 * An NSEC proving `name` is an empty non-terminal (RFC 4035 §3.1.3.2 with
 * RFC 4592 §2.2.2): owner before `name`, next name below it. No RRsets exist
 * at `name`, of any type.
 */
function findEmptyNonTerminal(nsecs: readonly Nsec[], name: Name): Nsec | undefined {
  return nsecs.find(
    (n) =>
      compareNames(n.owner, name) < 0 &&
      isStrictSubdomain(n.next, name) &&
      !(isStrictSubdomain(name, n.owner) && !mayDenyNamesBelow(n.types)),
  );
}

function findOwner(nsecs: readonly Nsec[], name: Name): Nsec | undefined {
  return nsecs.find((n) => nameEquals(n.owner, name));
}

const t = nameToText;

function span(n: Nsec): string {
  return (n.span ??= `NSEC ${t(n.owner)} -> ${t(n.next)}`);
}

function proven(detail: string, extra?: { noDelegation?: true }): DenialOutcome {
  return { result: 'proven', via: 'nsec', detail, ...extra };
}

function failed(ede: number, text: string): DenialOutcome {
  return { result: 'failed', ede, text };
}

function outsideZone(name: Name, zone: Name): DenialOutcome | undefined {
  return isSubdomain(name, zone) ? undefined : failed(EDE.DNSSEC_BOGUS, `${t(name)} is not in zone ${t(zone)}`);
}

/**
 * Name error (RFC 4035 §5.4): one NSEC proves `qname` absent, and one proves
 * the wildcard at its closest encloser absent.
 */
export function nsecProveNxdomain(qname: Name, zone: Name, nsecs: readonly Nsec[]): DenialOutcome {
  const bad = outsideZone(qname, zone);
  if (bad) return bad;
  const exact = findOwner(nsecs, qname);
  if (exact) return failed(EDE.DNSSEC_BOGUS, `NSEC at ${t(qname)} shows the name exists`);
  const ent = findEmptyNonTerminal(nsecs, qname);
  if (ent) return failed(EDE.DNSSEC_BOGUS, `${span(ent)} shows ${t(qname)} is an empty non-terminal`);
  const cover = nsecs.find((n) => nsecProvesNameAbsent(n, qname));
  if (!cover) return failed(EDE.NSEC_MISSING, `no NSEC proves ${t(qname)} does not exist`);
  const ce = nsecClosestEncloser(cover, qname);
  const wildcard = ['*', ...ce];
  const wc = nsecs.find((n) => nsecProvesNameAbsent(n, wildcard));
  if (!wc) return failed(EDE.NSEC_MISSING, `no NSEC proves the wildcard ${t(wildcard)} does not exist`);
  return proven(`${span(cover)} covers ${t(qname)}; ${span(wc)} covers ${t(wildcard)}`);
}

/** The bitmap rules (bitmap.ts) on the NSEC matching the name (or wildcard) a NODATA is about. */
function matchingNsecDeniesType(nsec: Nsec, qtype: number): string | undefined {
  const p = nodataProblem(nsec.types, qtype, nsec.owner.length === 0);
  return p ? problem(p, nsec) : undefined;
}

function problem(p: BitmapProblem, nsec: Nsec): string {
  return bitmapProblemText(p, `NSEC at ${t(nsec.owner)}`);
}

/**
 * Wildcard NODATA (RFC 4035 §3.1.3.4, §5.4): an NSEC proves `qname` absent,
 * and the NSEC of the wildcard at the closest encloser it proves lacks qtype.
 */
function nsecWildcardNodata(
  qname: Name,
  qtype: number,
  nsecs: readonly Nsec[],
  deniesType: (wc: Nsec) => string | undefined = (wc) => matchingNsecDeniesType(wc, qtype),
): DenialOutcome | undefined {
  const cover = nsecs.find((n) => nsecProvesNameAbsent(n, qname));
  if (!cover) return undefined;
  const ce = nsecClosestEncloser(cover, qname);
  const wildcard = ['*', ...ce];
  const wc = findOwner(nsecs, wildcard);
  if (!wc) {
    return failed(
      EDE.NSEC_MISSING,
      `${span(cover)} shows ${t(qname)} does not exist, and no NSEC at ${t(wildcard)} shows a wildcard without the type`,
    );
  }
  const why = deniesType(wc);
  if (why) return failed(EDE.DNSSEC_BOGUS, why);
  return proven(`${span(cover)} covers ${t(qname)}; NSEC at ${t(wildcard)} lacks the type`);
}

/**
 * No data (RFC 4035 §5.4, RFC 6840 §4.1, §4.3): an NSEC at `qname` without
 * qtype and CNAME; or `qname` is an empty non-terminal; or the wildcard NODATA
 * proof.
 */
export function nsecProveNodata(qname: Name, qtype: number, zone: Name, nsecs: readonly Nsec[]): DenialOutcome {
  const bad = outsideZone(qname, zone);
  if (bad) return bad;
  const exact = findOwner(nsecs, qname);
  if (exact) {
    const why = matchingNsecDeniesType(exact, qtype);
    return why ? failed(EDE.DNSSEC_BOGUS, why) : proven(`NSEC at ${t(qname)} lacks the type`);
  }
  const ent = findEmptyNonTerminal(nsecs, qname);
  if (ent) return proven(`${span(ent)} shows ${t(qname)} is an empty non-terminal`);
  return (
    nsecWildcardNodata(qname, qtype, nsecs) ?? failed(EDE.NSEC_MISSING, `no NSEC matches ${t(qname)} or proves it empty`)
  );
}

/**
 * No DS at `child`, proven in the parent zone (RFC 4035 §5.2, RFC 6840 §4.4):
 * - NSEC at child with NS set, DS and SOA clear: a delegation without DS, so
 *   the child zone is insecure → proven;
 * - NSEC at child with NS clear, or child is an empty non-terminal, or a
 *   wildcard NODATA for DS: not a zone cut → proven with noDelegation.
 */
export function nsecProveNoDs(child: Name, zone: Name, nsecs: readonly Nsec[]): DenialOutcome {
  if (!isStrictSubdomain(child, zone)) {
    return failed(EDE.DNSSEC_BOGUS, `the absence of DS at ${t(child)} must be proven by a zone above it, not ${t(zone)}`);
  }
  const exact = findOwner(nsecs, child);
  if (exact) {
    const at = noDsAtMatch(exact.types);
    if ('problem' in at) return failed(EDE.DNSSEC_BOGUS, problem(at.problem, exact));
    if (at.cut) return proven(`NSEC at ${t(child)}: delegation (NS set) without DS`);
    return proven(`NSEC at ${t(child)}: no NS, not a zone cut`, { noDelegation: true });
  }
  const ent = findEmptyNonTerminal(nsecs, child);
  if (ent) {
    return proven(`${span(ent)} shows ${t(child)} is an empty non-terminal, not a zone cut`, {
      noDelegation: true,
    });
  }
  const wc = nsecWildcardNodata(child, RRType.DS, nsecs, (w) => {
    const p = noDsAtWildcard(w.types);
    return p ? problem(p, w) : undefined;
  });
  if (wc?.result === 'proven') {
    // noDsAtWildcard rejected NS at the wildcard (RFC 4592 §4.2): the name is not a zone cut.
    return { ...wc, noDelegation: true };
  }
  return wc ?? failed(EDE.NSEC_MISSING, `no NSEC matches ${t(child)}`);
}

/**
 * A positive answer expanded from the wildcard at the last `rrsigLabels`
 * labels of `qname` (RFC 4035 §5.3.4): an NSEC must prove `qname` absent and
 * show that this wildcard's owner is the closest encloser, so no closer name
 * (the next closer name included) exists.
 */
export function nsecProveWildcardAnswer(qname: Name, rrsigLabels: number, zone: Name, nsecs: readonly Nsec[]): DenialOutcome {
  const bad = outsideZone(qname, zone);
  if (bad) return bad;
  if (!Number.isInteger(rrsigLabels) || rrsigLabels < zone.length || !isWildcardExpansion(qname, rrsigLabels)) {
    return failed(EDE.DNSSEC_BOGUS, `RRSIG labels ${rrsigLabels} does not describe a wildcard in ${t(zone)} for ${t(qname)}`);
  }
  const ce = ancestorWithLabels(qname, rrsigLabels);
  const cover = nsecs.find((n) => nsecProvesNameAbsent(n, qname));
  if (!cover) return failed(EDE.NSEC_MISSING, `no NSEC proves ${t(qname)} does not exist (wildcard answer)`);
  const proved = nsecClosestEncloser(cover, qname);
  if (!nameEquals(proved, ce)) {
    return failed(
      EDE.DNSSEC_BOGUS,
      `${span(cover)} shows the closest encloser is ${t(proved)}, not the wildcard's ${t(ce)}`,
    );
  }
  return proven(`${span(cover)} covers ${t(qname)}; closest encloser ${t(ce)}`);
}
