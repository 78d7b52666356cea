/**
 * The tries for one upstream query: which server, when, over which
 * transport. Like Unbound's outside-network retry (and unlike glibc's
 * strictly serial res_send), a try that passes its retransmission timeout
 * (RTO, health.ts) is not abandoned: the next try goes out beside it and
 * whichever answers first wins, so a slow answer is never thrown away and a
 * lost datagram costs one RTO, not one full timeout.
 *
 * - Servers are asked in the health table's order (healthy and fast first,
 *   backed-off last); a server already tried in this query comes after
 *   those not yet tried, so the query fails over before it repeats.
 * - The RTO doubles with each unanswered try (exponential back-off).
 * - After MAX_UDP_LOSSES unanswered UDP tries to one server in a query, the
 *   next try to it goes over TCP, which retransmits by itself.
 * - SERVFAIL, NOTIMP and REFUSED move on to the next server at once; if no
 *   server does better, the last such answer is the result.
 * - A backed-off server whose back-off has ended gets a copy of the query
 *   as a probe beside the first try (it never delays the query).
 * - Bounded: at most `maxTries` tries (plus one probe), none started after
 *   the deadline.
 */
import { Rcode } from '../wire/rrtype.js';
import type { HealthTable } from './health.js';
import { type Protocol, type Transport, type TransportResult, type UpstreamQuery, TransportError, describeQuery } from './transport.js';

/** Unanswered UDP tries to one server, in one query, before the next try to it uses TCP. */
export const MAX_UDP_LOSSES = 2;

/** Answers that send the query on to the next server (glibc res_send.c does the same). */
const TRY_NEXT_RCODES: ReadonlySet<number> = new Set([Rcode.SERVFAIL, Rcode.NOTIMP, Rcode.REFUSED]);
/** Errors that will not go away by asking the same server again. */
const PERMANENT_KINDS: ReadonlySet<string> = new Set(['tls', 'config']);

/** One event of one try, for tests, `doctor` and tracing. */
export interface TryEvent {
  /** "name TYPE". */
  readonly query: string;
  /** Index of the server in the upstream's list, and its "host:port" (or URL). */
  readonly index: number;
  readonly server: string;
  readonly protocol: Protocol;
  /** sent; answered (rcode given); lost (RTO passed, still waiting); failed (error given). */
  readonly phase: 'sent' | 'answered' | 'lost' | 'failed';
  /** A copy sent to a recovering server, not one of the query's tries. */
  readonly probe: boolean;
  readonly rttMs?: number;
  readonly rcode?: number;
  readonly error?: string;
}

export interface TryPlan {
  readonly q: UpstreamQuery;
  readonly servers: readonly string[];
  readonly protocol: Protocol;
  /** The configured transport of each server. */
  readonly transports: readonly Transport[];
  /** For UDP: a TCP transport to each server (used after repeated loss). */
  readonly tcp: readonly Transport[] | undefined;
  readonly health: HealthTable;
  /** Server indexes in the configured (or rotated) order. */
  readonly preference: readonly number[];
  /** Order healthy servers by RTO (false with `rotate`: spread the load instead). */
  readonly byRtt: boolean;
  readonly maxTries: number;
  /** performance.now() value after which no try starts and the query ends. */
  readonly deadline: number | undefined;
  /** Milliseconds clock for back-off (injectable for tests). */
  readonly clock: () => number;
  readonly signal: AbortSignal;
  /** Aborted when the upstream closes: ends the tries left running after an answer. */
  readonly lifetime: AbortSignal;
  readonly isClosed: () => boolean;
  readonly onTry: ((e: TryEvent) => void) | undefined;
}

export function runTries(plan: TryPlan): Promise<TransportResult> {
  const { q, health } = plan;
  const what = describeQuery(q);
  return new Promise<TransportResult>((resolve, reject) => {
    // Tries end with the upstream (close) or the caller's abort, not with the answer.
    const tries = new AbortController();
    const onClose = (): void => tries.abort(plan.lifetime.reason);
    plan.lifetime.addEventListener('abort', onClose, { once: true });
    const perServer = new Map<number, number>();
    const udpLosses = new Map<number, number>();
    const noTcp = new Set<number>();
    const givenUp = new Set<number>();
    const failures: TransportError[] = [];
    const timers = new Set<ReturnType<typeof setTimeout>>();
    let lastAnswer: TransportResult | undefined;
    let sent = 0;
    let pending = 0;
    let settled = false;
    let releaseWhenIdle: (() => void) | undefined;

    const emit = (e: Omit<TryEvent, 'query' | 'server'>): void => {
      if (!plan.onTry) return;
      try {
        plan.onTry({ ...e, query: what, server: plan.servers[e.index] ?? '' });
      } catch {
        // An observer must not break the query.
      }
    };
    const finish = (err: TransportError | undefined, result?: TransportResult): void => {
      if (settled) return;
      settled = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      plan.signal.removeEventListener('abort', onAbort);
      if (err) tries.abort(err);
      // Once the last try has ended nothing needs the upstream's close any more.
      const release = (): void => plan.lifetime.removeEventListener('abort', onClose);
      if (pending === 0) release();
      else releaseWhenIdle = release;
      if (result) resolve(result);
      else reject(err!);
    };
    const finishIfIdle = (): void => {
      if (settled || pending > 0) return;
      if (lastAnswer) finish(undefined, lastAnswer);
      else finish(summarize(what, failures));
    };
    const onAbort = (): void => {
      if (plan.isClosed()) finish(new TransportError('closed', `upstream closed while resolving ${what}`));
      else finish(new TransportError('aborted', `query for ${what} aborted`, undefined, { cause: plan.signal.reason }));
    };
    if (plan.signal.aborted) return onAbort();
    plan.signal.addEventListener('abort', onAbort, { once: true });
    if (plan.deadline !== undefined) {
      const t = setTimeout(() => {
        if (lastAnswer) return finish(undefined, lastAnswer);
        failures.push(new TransportError('timeout', `no answer for ${what} before the deadline`));
        finish(summarize(what, failures));
      }, Math.max(0, plan.deadline - performance.now()));
      timers.add(t);
    }

    const pick = (): number | undefined => {
      const now = plan.clock();
      let best: number | undefined;
      let bestCost = Infinity;
      for (const i of health.order(now, plan.preference, plan.byRtt)) {
        if (givenUp.has(i)) continue;
        // Untried before tried; a backed-off server only when nothing else is left.
        const cost = (perServer.get(i) ?? 0) + (health.backedOff(i, now) ? plan.maxTries : 0);
        if (cost < bestCost) {
          best = i;
          bestCost = cost;
        }
      }
      return best;
    };

    const send = (i: number, probe: boolean): void => {
      const n = perServer.get(i) ?? 0;
      if (!probe) perServer.set(i, n + 1);
      const overTcp = plan.tcp !== undefined && !noTcp.has(i) && (udpLosses.get(i) ?? 0) >= MAX_UDP_LOSSES;
      const transport = overTcp ? plan.tcp![i]! : plan.transports[i]!;
      const protocol: Protocol = overTcp ? 'tcp' : plan.protocol;
      const rto = health.rto(i);
      const started = performance.now();
      const answersAtSend = health.answerCount(i);
      let advanced = probe; // a probe never schedules the next try
      pending++;
      emit({ index: i, protocol, phase: 'sent', probe });
      const next = (): void => {
        if (advanced) return;
        advanced = true;
        launch();
      };
      let timer: ReturnType<typeof setTimeout> | undefined;
      if (!probe) {
        timer = setTimeout(() => {
          timers.delete(timer!);
          if (settled) return;
          health.lost(i, rto);
          if (protocol === 'udp') udpLosses.set(i, (udpLosses.get(i) ?? 0) + 1);
          emit({ index: i, protocol, phase: 'lost', probe });
          next();
        }, rto);
        timers.add(timer);
      }
      const done = (): void => {
        pending--;
        if (pending === 0 && releaseWhenIdle) releaseWhenIdle();
        if (timer) {
          clearTimeout(timer);
          timers.delete(timer);
        }
      };
      transport.query(q, tries.signal).then(
        (result) => {
          done();
          // A try still out when the query ended is left to finish: what it learns goes to the health table.
          const rtt = performance.now() - started;
          health.answered(i, rtt);
          emit({ index: i, protocol, phase: 'answered', probe, rttMs: rtt, rcode: result.message.rcode });
          if (settled) return;
          if (TRY_NEXT_RCODES.has(result.message.rcode)) {
            lastAnswer = result;
            next();
            finishIfIdle();
            return;
          }
          finish(undefined, result);
        },
        (e: unknown) => {
          done();
          const err = e instanceof TransportError ? e : new TransportError('network', String(e));
          if (err.kind === 'aborted' || err.kind === 'closed') {
            if (!settled) onAbort();
            return;
          }
          health.failed(i, plan.clock(), answersAtSend);
          emit({ index: i, protocol, phase: 'failed', probe, error: err.message });
          if (settled) return;
          if (PERMANENT_KINDS.has(err.kind)) givenUp.add(i);
          // A server that does not take TCP goes back to UDP.
          if (protocol === 'tcp' && plan.tcp !== undefined) noTcp.add(i);
          failures.push(err);
          next();
          finishIfIdle();
        },
      );
    };

    function launch(): void {
      if (settled) return;
      if (plan.isClosed()) return finish(new TransportError('closed', 'upstream is closed'));
      const late = plan.deadline !== undefined && performance.now() >= plan.deadline;
      const i = sent < plan.maxTries && !late ? pick() : undefined;
      if (i === undefined) return finishIfIdle();
      sent++;
      send(i, false);
    }

    launch();
    // A recovering server gets a copy of the first try (never waited for).
    if (!settled && plan.preference.length > 1) {
      const now = plan.clock();
      for (const i of plan.preference) {
        if (!givenUp.has(i) && !perServer.has(i) && health.probeDue(i, now)) {
          send(i, true);
          break;
        }
      }
    }
  });
}

/**
 * One error for a query that every try failed: the kind is the common
 * kind, or 'tls' when any server failed TLS authentication (a configuration
 * or security problem must not hide behind timeouts), else the last kind.
 */
export function summarize(what: string, failures: readonly TransportError[]): TransportError {
  const last = failures[failures.length - 1];
  if (!last) return new TransportError('network', `no server could be asked for ${what}`);
  const kinds = new Set(failures.map((f) => f.kind));
  const kind = kinds.size === 1 ? last.kind : kinds.has('tls') ? 'tls' : last.kind;
  const detail = [...new Set(failures.map((f) => f.message))].join('; ');
  return new TransportError(kind, `all upstream tries failed for ${what}: ${detail}`, last.server, { cause: failures });
}
