/**
 * A question's deadline and abort signal. Identical questions in flight are
 * validated once (validator.ts); each caller waits with its own signal and
 * deadline, and the shared work is aborted only when no caller is left.
 */
import { setMaxListeners } from 'node:events';
import { UpstreamError } from './result.js';

/**
 * Default time one validate() call may take, ms. Long enough for a cold
 * chain of ten zones over a lossy path (each query retried on its RTO,
 * resolver/tries.ts), short enough that a mail server's lookup does not
 * hang: Postfix's smtp_dns_resolver timeouts are of this order.
 */
export const DEFAULT_DEADLINE_MS = 10_000;

const hrtime = (globalThis as { process?: { hrtime?: { bigint?: () => bigint } } }).process?.hrtime;

/**
 * A monotonic clock in milliseconds, for deadlines. On Node, process.hrtime: the global `performance` of Node 20
 * loads node:perf_hooks on first use (about 3 ms of a command's start-up, `npm run bench:cli`). Elsewhere
 * performance.now(). Only differences between two readings mean anything.
 */
export const monotonicMs: () => number =
  typeof hrtime?.bigint === 'function' ? () => Number(hrtime.bigint!()) / 1e6 : () => performance.now();

export interface SharedWork<T> {
  readonly promise: Promise<T>;
  readonly controller: AbortController;
  waiters: number;
}

/** Starts work that callers can share; `start` gets a signal aborted when every caller has gone. */
export function shareWork<T>(start: (signal: AbortSignal) => Promise<T>): SharedWork<T> {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  const promise = Promise.resolve().then(() => start(controller.signal));
  // A result nobody waits for any more must not become an unhandled rejection.
  promise.catch(() => undefined);
  return { promise, controller, waiters: 0 };
}

/**
 * Waits for shared work as one caller: rejects with the signal's reason when
 * the caller aborts, and with an UpstreamError when `deadlineMs` passes first.
 */
export function waitFor<T>(work: SharedWork<T>, signal: AbortSignal | undefined, deadlineMs: number, what: string): Promise<T> {
  work.waiters++;
  return new Promise<T>((resolve, reject) => {
    let done = false;
    const leave = (): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const giveUp = (error: unknown): void => {
      if (done) return;
      leave();
      work.waiters--;
      if (work.waiters === 0) work.controller.abort(error);
      reject(error);
    };
    const onAbort = (): void => giveUp(signal!.reason);
    const timer = setTimeout(() => giveUp(new UpstreamError(`no answer for ${what} within the deadline of ${deadlineMs} ms`)), deadlineMs);
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    work.promise.then(
      (v) => {
        if (done) return;
        leave();
        work.waiters--;
        resolve(v);
      },
      (e: unknown) => {
        if (done) return;
        leave();
        work.waiters--;
        reject(e);
      },
    );
  });
}
