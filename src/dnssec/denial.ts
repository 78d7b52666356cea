/**
 * Authenticated denial of existence: the proofs the validator asks for, over
 * NSEC (RFC 4035 §5.4, RFC 6840 §4) or NSEC3 (RFC 5155 §8, RFC 9276 §3.2)
 * records whose RRSIGs it has already verified, all from the zone `zone`.
 *
 * Outcomes (DenialOutcome):
 * - `proven`: the claim holds; the answer can be secure.
 *     For proveNoDs, `proven` means "no DS at the child": either a zone cut
 *     without DS (the child is insecure; `optOut` when an NSEC3 Opt-Out span
 *     proved it, RFC 5155 §6/§8.6), or, with `noDelegation: true`, the child
 *     name is not a zone cut at all (NS clear, an empty non-terminal, or a
 *     wildcard without DS): keep walking down in the same zone.
 * - `insecure`: signed, but the proof cannot support a secure answer:
 *     `why: 'opt-out'` when the NSEC3 covering the next closer name has
 *     Opt-Out (RFC 5155 §9.2: no AD bit); `why: 'iterations'` with EDE 27 when
 *     NSEC3 iterations exceed MAX_NSEC3_ITERATIONS (RFC 9276 §3.2). proveNoDs
 *     only returns `insecure` for the iteration limit; treat it as an
 *     insecure delegation (RFC 9276 §3.2 lets the validator do that).
 * - `failed`: the records do not prove the claim: bogus. EDE 12 (NSEC Missing)
 *     when a needed record is absent, EDE 6 (DNSSEC Bogus) when the records
 *     contradict the claim or break a rule or limit.
 *
 * When both NSEC and NSEC3 records are given, the NSEC proof is tried first;
 * the NSEC3 proof is used if the NSEC proof failed.
 */
import type { Name } from '../wire/name.js';
import { EDE } from '../types.js';
import { nsec3Hash } from '../crypto/index.js';
import type { DenialInput, DenialOutcome } from './denial-types.js';
import { nsecProveNodata, nsecProveNoDs, nsecProveNxdomain, nsecProveWildcardAnswer, usableNsecs, type Nsec } from './nsec.js';
import {
  type Nsec3Chain,
  type Nsec3HashFunction,
  nsec3ProveNodata,
  nsec3ProveNoDs,
  nsec3ProveNxdomain,
  nsec3ProveWildcardAnswer,
  prepareNsec3Chain,
} from './nsec3.js';

export type { DenialRecord, DenialInput, DenialProven, DenialInsecure, DenialFailed, DenialOutcome } from './denial-types.js';

function run(
  input: DenialInput,
  withNsec: (nsecs: Nsec[]) => DenialOutcome,
  withNsec3: (chain: Nsec3Chain) => DenialOutcome,
  hash: Nsec3HashFunction,
): DenialOutcome {
  let nsecOutcome: DenialOutcome | undefined;
  if (input.nsec.length > 0) {
    nsecOutcome = withNsec(usableNsecs(input.nsec, input.zone));
    if (nsecOutcome.result !== 'failed' || input.nsec3.length === 0) return nsecOutcome;
  }
  if (input.nsec3.length > 0) {
    const prepared = prepareNsec3Chain(input.nsec3, input.zone, hash, input.maxIterations, input.budget);
    return prepared.ok ? withNsec3(prepared.chain) : prepared.outcome;
  }
  return { result: 'failed', ede: EDE.NSEC_MISSING, text: 'no NSEC or NSEC3 records to prove the denial' };
}

/** Name error: `qname` and any wildcard that could match it do not exist (RFC 4035 §5.4, RFC 5155 §8.4). */
export function proveNxdomain(qname: Name, input: DenialInput, hash: Nsec3HashFunction = nsec3Hash): DenialOutcome {
  return run(
    input,
    (n) => nsecProveNxdomain(qname, input.zone, n),
    (c) => nsec3ProveNxdomain(qname, c),
    hash,
  );
}

/** No data: `qname` exists (or a wildcard covers it) without `qtype` (RFC 4035 §5.4, RFC 5155 §8.5-§8.7). */
export function proveNodata(qname: Name, qtype: number, input: DenialInput, hash: Nsec3HashFunction = nsec3Hash): DenialOutcome {
  return run(
    input,
    (n) => nsecProveNodata(qname, qtype, input.zone, n),
    (c) => nsec3ProveNodata(qname, qtype, c),
    hash,
  );
}

/**
 * No DS at `child`, proven by its parent zone `input.zone` (RFC 4035 §5.2,
 * RFC 6840 §4.4, RFC 5155 §8.9). See the module comment for the outcomes.
 */
export function proveNoDs(child: Name, input: DenialInput, hash: Nsec3HashFunction = nsec3Hash): DenialOutcome {
  return run(
    input,
    (n) => nsecProveNoDs(child, input.zone, n),
    (c) => nsec3ProveNoDs(child, c),
    hash,
  );
}

/**
 * A positive answer for `qname` synthesised from the wildcard whose parent is
 * the last `rrsigLabels` labels of `qname` (the RRSIG Labels field): no closer
 * name exists (RFC 4035 §5.3.4, RFC 5155 §8.8). Call it when
 * rrsigLabelCount(owner) > Labels; `rrsigLabels` must be below
 * rrsigLabelCount(qname) and not above the zone.
 */
export function proveWildcardAnswer(
  qname: Name,
  rrsigLabels: number,
  input: DenialInput,
  hash: Nsec3HashFunction = nsec3Hash,
): DenialOutcome {
  return run(
    input,
    (n) => nsecProveWildcardAnswer(qname, rrsigLabels, input.zone, n),
    (c) => nsec3ProveWildcardAnswer(qname, rrsigLabels, c),
    hash,
  );
}
