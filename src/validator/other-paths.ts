/**
 * A second opinion from another path. When an answer is bogus in a way the
 * path can cause — RRSIGs stripped (EDE 10), a DNSKEY RRset missing (EDE 9),
 * the denial records missing (EDE 12, e.g. a DS query answered without its
 * NSEC proof) — the data may be fine and the server or a middlebox in front
 * of it broken. Unbound then asks the zone's other servers before it
 * concludes (validator.c: val_blacklist and the retry of the query, up to
 * VAL_MAX_RESTART_COUNT = 5). A stub does the same with its other upstream
 * servers: the question is validated again, from scratch, through each of
 * at most MAX_OTHER_PATHS other servers, and the first verdict that is not
 * bogus wins. Nothing is trusted more for coming from another path: the
 * retry is a full validation from the trust anchor.
 */
import { EDE } from '../types.js';
import type { Reason, Status } from '../types.js';

/** Other servers asked after a bogus verdict a path could cause (Unbound allows 5 restarts; 2 keeps a broken setup cheap). */
export const MAX_OTHER_PATHS = 2;

const PATH_FIXABLE: ReadonlySet<number> = new Set([EDE.RRSIGS_MISSING, EDE.DNSKEY_MISSING, EDE.NSEC_MISSING]);

/** True when the verdict is bogus and its main reason is something another path could fix. */
export function anotherPathCouldFix(outcome: { readonly status: Status; readonly reasons: readonly Reason[] }): boolean {
  const ede = outcome.reasons[0]?.ede;
  return outcome.status === 'bogus' && ede !== undefined && ede !== null && PATH_FIXABLE.has(ede);
}
