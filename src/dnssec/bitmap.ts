/**
 * The type-bitmap rules of NSEC and NSEC3 records, in one place (RFC 6840
 * §4, RFC 4035 §5.2, §5.4, RFC 5155 §8.3-§8.9). The NSEC and NSEC3 proofs
 * both ask here; only the wording of the subject ("NSEC at x", "NSEC3
 * matching x") differs.
 */
import { RRType } from '../wire/rrtype.js';
import type { TypeBitmap } from './records.js';

/**
 * NS set and SOA clear: the parent side of a zone cut (RFC 4035 §5.2,
 * RFC 5155 §8.3, RFC 6840 §4.1).
 */
export function isDelegationBitmap(types: TypeBitmap): boolean {
  return types.has(RRType.NS) && !types.has(RRType.SOA);
}

/**
 * RFC 6840 §4.1: "Ancestor delegation NSEC or NSEC3 RRs MUST NOT be used to
 * assume nonexistence of any RRs below that zone cut", and an NSEC with the
 * DNAME bit "MUST NOT be used to assume the nonexistence of any subdomain".
 * False when a record with these types at an ancestor of a name may not deny
 * that name (or make it an empty non-terminal, or be its closest encloser).
 */
export function mayDenyNamesBelow(types: TypeBitmap): boolean {
  return !types.has(RRType.DNAME) && !isDelegationBitmap(types);
}

/** Why a record matching a name cannot prove what was asked. */
export type BitmapProblem = 'lists-type' | 'lists-cname' | 'lists-ds' | 'child-apex' | 'delegation' | 'wildcard-delegation';

/**
 * NODATA: the record matching the name (or the wildcard) a NODATA is about
 * must not list the type, nor CNAME (RFC 4035 §5.4, RFC 6840 §4.3). For DS,
 * RFC 6840 §4.4: the absence comes from the parent side; the child apex
 * record (SOA set) cannot prove it — except at the root, which has no
 * parent. For other types, RFC 6840 §4.1: a parent-side delegation record
 * proves nothing about the types in the child zone.
 */
export function nodataProblem(types: TypeBitmap, qtype: number, ownerIsRoot: boolean): BitmapProblem | undefined {
  if (types.has(qtype)) return 'lists-type';
  if (types.has(RRType.CNAME)) return 'lists-cname';
  if (qtype === RRType.DS) return types.has(RRType.SOA) && !ownerIsRoot ? 'child-apex' : undefined;
  return isDelegationBitmap(types) ? 'delegation' : undefined;
}

/**
 * No DS at a name, from the record matching it in the parent zone
 * (RFC 4035 §5.2, RFC 6840 §4.4, RFC 5155 §8.9): a problem; or `cut: true`
 * for a delegation without DS (NS set: the child is insecure); or
 * `cut: false` when the name is no zone cut at all (NS clear).
 */
export function noDsAtMatch(types: TypeBitmap): { problem: BitmapProblem } | { cut: boolean } {
  if (types.has(RRType.SOA)) return { problem: 'child-apex' };
  if (types.has(RRType.DS)) return { problem: 'lists-ds' };
  if (types.has(RRType.CNAME)) return { problem: 'lists-cname' };
  return { cut: types.has(RRType.NS) };
}

/**
 * No DS at a name that does not exist, from the wildcard that would cover it:
 * the wildcard must lack DS like any NODATA, and must not carry NS — a
 * wildcard delegation is undefined (RFC 4592 §4.2) and proves no cut.
 */
export function noDsAtWildcard(types: TypeBitmap): BitmapProblem | undefined {
  const p = nodataProblem(types, RRType.DS, false);
  if (p) return p;
  return types.has(RRType.NS) ? 'wildcard-delegation' : undefined;
}

/** The text of a problem, about `subject` ("NSEC at a.example.", "NSEC3 matching a.example."). */
export function bitmapProblemText(problem: BitmapProblem, subject: string): string {
  switch (problem) {
    case 'lists-type':
      return `${subject} lists the queried type`;
    case 'lists-cname':
      return `${subject} lists CNAME`;
    case 'lists-ds':
      return `${subject} lists DS`;
    case 'child-apex':
      return `${subject} is the child zone apex (SOA set); it cannot prove the absence of DS`;
    case 'delegation':
      return `${subject} is a delegation (NS set, SOA clear); it cannot deny types in the child zone`;
    case 'wildcard-delegation':
      return `${subject} lists NS (wildcard delegation)`;
  }
}
