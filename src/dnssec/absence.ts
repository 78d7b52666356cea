/**
 * "No name `name` exists in the zone at all", from verified NSEC or NSEC3
 * records of that zone — the fact that lets the validator stop looking for
 * zone cuts: a name that does not exist is no cut, and neither is anything
 * below it (RFC 4035 §5.2; RFC 8198 §4 on using such proofs again).
 *
 * - NSEC: a record covers the name, its next name is not below it (else it
 *   is an empty non-terminal) and its owner is no ancestor delegation or
 *   DNAME (RFC 4035 §5.4, RFC 6840 §4.1) — nsecProvesNameAbsent.
 * - NSEC3: a record covers H(name) without the Opt-Out flag. Every existing
 *   name, empty non-terminals included, has its own NSEC3 (RFC 5155 §7.1),
 *   so coverage means absence; an Opt-Out span may hide unsigned
 *   delegations (RFC 5155 §6), so it proves nothing here.
 *
 * Only absence counts. A record that shows a name exists without NS is not
 * taken as proof that it is no cut: a replayed record from before a
 * delegation would say just that, and only a DS query tells.
 */
import { type Name, isStrictSubdomain } from '../wire/name.js';
import { nsec3Hash } from '../crypto/index.js';
import type { DenialInput } from './denial.js';
import { nsecProvesNameAbsent, usableNsecs } from './nsec.js';
import { type Nsec3HashFunction, prepareNsec3Chain } from './nsec3.js';
import { NSEC3_FLAG_OPT_OUT } from './records.js';

export function provesNameAbsent(name: Name, input: DenialInput, hash: Nsec3HashFunction = nsec3Hash): boolean {
  if (!isStrictSubdomain(name, input.zone)) return false;
  if (input.nsec.length > 0 && usableNsecs(input.nsec, input.zone).some((n) => nsecProvesNameAbsent(n, name))) return true;
  if (input.nsec3.length === 0) return false;
  const prepared = prepareNsec3Chain(input.nsec3, input.zone, hash);
  if (!prepared.ok) return false;
  try {
    const cover = prepared.chain.cover(name);
    return cover !== undefined && (cover.data.flags & NSEC3_FLAG_OPT_OUT) === 0;
  } catch {
    // The chain's hash budget: no proof.
    return false;
  }
}
