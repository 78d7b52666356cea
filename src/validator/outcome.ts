/**
 * The verdict on each link of an answer (a CNAME, a DNAME, the final RRset,
 * a denial) and how links combine: the answer is as strong as its weakest
 * link (RFC 4035 §5, RFC 4033 §5).
 */
import type { Reason, Status } from '../types.js';
import type { RRset } from '../dnssec/rrsig.js';
import { sortReasons } from './reasons.js';

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

/** A bogus link for `reason`. */
export function bogusLink(reason: Reason, rrsets: readonly RRset[] = []): Link {
  return { status: 'bogus', reasons: [reason], ttl: 0, rrsets };
}

export function combine(links: readonly Link[], rcode: number): AnswerOutcome {
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
