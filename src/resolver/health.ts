/**
 * Per-server health, like Unbound's infrastructure cache (services/cache/
 * infra.c, util/rtt.c): a smoothed round-trip time and a retransmission
 * timeout per server, and a back-off for servers that stop answering, so a
 * dead first server costs one timeout, not one per lookup.
 *
 * Pure: the clock (milliseconds) is passed in; no timers, no I/O.
 *
 * - RTT and RTO as TCP does (RFC 6298 §2, Jacobson/Karels): SRTT, RTTVAR,
 *   RTO = SRTT + 4·RTTVAR, clamped to [MIN_RTO_MS, the try timeout].
 * - A server never heard from starts at UNKNOWN_RTO_MS (Unbound's
 *   UNKNOWN_SERVER_NICENESS, 376 ms).
 * - A try that passes its RTO unanswered doubles the server's RTO
 *   (RFC 6298 §5.5, Unbound rtt_lost()), once for tries lost together.
 * - A try that failed outright (hard timeout, refused, reset) adds a
 *   failure and backs the server off: 1 s, 2 s, 4 s ... up to
 *   MAX_BACKOFF_MS. While backed off the server is only asked when no other
 *   server is left; once the back-off ends it is probed (see `probeDue`).
 * - Any answer clears the failures and the back-off.
 */

/** Lower bound of a retransmission timeout (Unbound's RTT_MIN_TIMEOUT is 50 ms; 100 ms leaves room for a busy loopback). */
export const MIN_RTO_MS = 100;
/** RTO of a server with no answer yet (Unbound's UNKNOWN_SERVER_NICENESS). */
export const UNKNOWN_RTO_MS = 376;
/** First back-off after a failure; doubles with each further failure. */
export const BASE_BACKOFF_MS = 1000;
/** Longest back-off: a dead server is probed at least this often (Unbound probes a host marked down after infra-host-ttl). */
export const MAX_BACKOFF_MS = 60_000;

export interface ServerHealthView {
  /** Smoothed RTT in ms; undefined before the first answer. */
  readonly srttMs: number | undefined;
  readonly rtoMs: number;
  /** Failures in a row (reset by any answer). */
  readonly failures: number;
  /** Clock value (ms) until which the server is backed off; 0 when it is not. */
  readonly backoffUntil: number;
  readonly answers: number;
}

interface Entry {
  srtt: number | undefined;
  rttvar: number;
  /** RTO from the RTT estimate, before losses double it. */
  baseRto: number;
  /** Doublings from unanswered tries since the last answer. */
  lost: number;
  failures: number;
  backoffUntil: number;
  answers: number;
  /** When a probe of a backed-off server was last sent. */
  probedAt: number;
}

export class HealthTable {
  private readonly entries: Entry[];

  /** `maxRtoMs`: the per-try timeout; no RTO grows past it. */
  constructor(
    size: number,
    private readonly maxRtoMs: number,
  ) {
    this.entries = Array.from({ length: size }, () => ({
      srtt: undefined,
      rttvar: 0,
      baseRto: UNKNOWN_RTO_MS,
      lost: 0,
      failures: 0,
      backoffUntil: 0,
      answers: 0,
      probedAt: -Infinity,
    }));
  }

  get size(): number {
    return this.entries.length;
  }

  /** The RTO to wait for server `i` before the next try. */
  rto(i: number): number {
    const e = this.entries[i]!;
    const rto = e.baseRto * 2 ** Math.min(e.lost, 16);
    return Math.min(this.maxRtoMs, Math.max(MIN_RTO_MS, rto));
  }

  backedOff(i: number, now: number): boolean {
    return this.entries[i]!.backoffUntil > now;
  }

  /**
   * Servers in the order to ask them: those not backed off first, by RTO
   * (ties, and every server when `byRtt` is false, in the order given by
   * `preference`), then the backed-off ones, soonest back first.
   */
  order(now: number, preference: readonly number[], byRtt = true): number[] {
    const rank = new Map(preference.map((i, k) => [i, k]));
    return [...preference].sort((a, b) => {
      const ba = this.backedOff(a, now);
      const bb = this.backedOff(b, now);
      if (ba !== bb) return ba ? 1 : -1;
      if (ba && bb) return this.entries[a]!.backoffUntil - this.entries[b]!.backoffUntil || rank.get(a)! - rank.get(b)!;
      if (byRtt) {
        const d = this.rto(a) - this.rto(b);
        if (d !== 0) return d;
      }
      return rank.get(a)! - rank.get(b)!;
    });
  }

  /**
   * True once for a server whose back-off has ended while it still counts
   * failures: the caller sends it a copy of a real query (a probe) beside
   * the healthy server's, so its recovery is noticed without a lookup
   * waiting for it. Marks the probe as sent.
   */
  probeDue(i: number, now: number): boolean {
    const e = this.entries[i]!;
    if (e.failures === 0 || e.backoffUntil > now || e.probedAt >= e.backoffUntil) return false;
    e.probedAt = now;
    return true;
  }

  /** An answer (any rcode) after `rttMs`. */
  answered(i: number, rttMs: number): void {
    const e = this.entries[i]!;
    const r = Math.max(0, rttMs);
    if (e.srtt === undefined) {
      e.srtt = r;
      e.rttvar = r / 2;
    } else {
      e.rttvar = 0.75 * e.rttvar + 0.25 * Math.abs(e.srtt - r);
      e.srtt = 0.875 * e.srtt + 0.125 * r;
    }
    e.baseRto = e.srtt + 4 * e.rttvar;
    e.lost = 0;
    e.failures = 0;
    e.backoffUntil = 0;
    e.answers++;
  }

  /**
   * A try that waited `usedRtoMs` passed it without an answer (it may still
   * be answered later). Doubles the RTO only when the try waited the current
   * RTO, so many queries lost at once double it once (Unbound rtt_lost()).
   */
  lost(i: number, usedRtoMs: number): void {
    if (usedRtoMs >= this.rto(i)) this.entries[i]!.lost++;
  }

  /** Answers seen from server `i` so far: pass it to failed() to tell an old try's failure from a new one. */
  answerCount(i: number): number {
    return this.entries[i]!.answers;
  }

  /**
   * A try failed outright: hard timeout, refused, reset, malformed stream.
   * `answersAtSend` (answerCount() when the try was sent): a try that fails
   * after the server answered another query since is stale news (a lost
   * datagram, not a dead server) and backs nothing off.
   */
  failed(i: number, now: number, answersAtSend?: number): void {
    const e = this.entries[i]!;
    if (answersAtSend !== undefined && e.answers > answersAtSend) return;
    e.failures++;
    e.lost = Math.max(e.lost, 1);
    e.backoffUntil = now + Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** Math.min(e.failures - 1, 16));
  }

  view(i: number): ServerHealthView {
    const e = this.entries[i]!;
    return { srttMs: e.srtt, rtoMs: this.rto(i), failures: e.failures, backoffUntil: e.backoffUntil, answers: e.answers };
  }
}
