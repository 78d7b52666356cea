/**
 * Which types a validating stub can put in a question and give a verdict
 * on. The others are refused with the reason, before any query:
 *
 * - Meta-types and QTYPEs (RFC 6895 §3.1): OPT (41), TKEY (249), TSIG (250)
 *   are never RRsets in a zone; IXFR (251), AXFR (252) are zone transfers,
 *   not stub lookups; MAILB (253), MAILA (254) are obsolete (RFC 883);
 *   ANY (255) has no defined complete answer (RFC 8482 §4.2: a server may
 *   answer with one RRset), so no verdict can say "this is everything": the
 *   command line refuses it; the library and serve validate what was sent
 *   (validatableTypeProblem).
 * - TYPE0 is reserved (RFC 6895 §3.1) and is not a type.
 * - RRSIG (46): an RRSIG RRset is never itself signed (RFC 4035 §2.2), so
 *   its answer can be neither proven secure nor shown bogus. Ask for the
 *   type the signatures cover: its RRSIGs are checked as part of that answer.
 */
import { RRType } from '../wire/rrtype.js';

const REFUSED: ReadonlyMap<number, string> = new Map([
  [0, 'TYPE0 is reserved and is not a type (RFC 6895 §3.1)'],
  [RRType.OPT, 'OPT is an EDNS pseudo-record, not data one can ask for (RFC 6891 §6.1.1)'],
  [RRType.TKEY, 'TKEY is a meta-type for transaction keys, not data (RFC 6895 §3.1)'],
  [RRType.TSIG, 'TSIG is a meta-type for transaction signatures, not data (RFC 6895 §3.1)'],
  [RRType.IXFR, 'IXFR is a zone transfer, not a stub lookup (RFC 1995)'],
  [RRType.AXFR, 'AXFR is a zone transfer, not a stub lookup (RFC 5936)'],
  [RRType.MAILB, 'MAILB is an obsolete query type (RFC 6895 §3.1)'],
  [RRType.MAILA, 'MAILA is an obsolete query type (RFC 6895 §3.1)'],
  [RRType.ANY, 'ANY has no complete answer to validate (RFC 8482 §4.2: a server may return one RRset); ask for each type'],
  [
    RRType.RRSIG,
    'an RRSIG RRset is never itself signed (RFC 4035 §2.2), so it can be neither secure nor bogus; ask for the type it covers (its RRSIGs are checked with it)',
  ],
]);

/** Why `type` cannot be validated as a question, or undefined when it can (the command line's rule: ANY refused). */
export function questionTypeProblem(type: number): string | undefined {
  return REFUSED.get(type);
}

/**
 * The same for the library's validate() and serve, which validate the upstream's answer to ANY like any other
 * (RFC 8482 §4.1: it may be one RRset; secure then says the records sent are authentic, not that they are all the
 * name holds): why `type` is refused, or undefined.
 */
export function validatableTypeProblem(type: number): string | undefined {
  return type === RRType.ANY ? undefined : REFUSED.get(type);
}
