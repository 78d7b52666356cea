/**
 * What every transport shares: the Transport shape, typed transport errors,
 * response acceptance (RFC 5452 §9.1 / RFC 1035 §7.3) and one guarded
 * operation with a timeout and an abort signal that always cleans up.
 */
import { randomInt } from 'node:crypto';
import { isIPv6 } from 'node:net';
import { type Message, MessageError, parseMessage } from '../wire/message.js';
import { type Name, nameEquals, nameToText } from '../wire/name.js';
import { typeToText } from '../wire/rrtype.js';

/** An upstream server: an IPv4 or IPv6 literal (IPv6 may carry a %scope) and a port. */
export interface ServerAddress {
  host: string;
  port: number;
}

export type Protocol = 'udp' | 'tcp' | 'tls' | 'https';

/** The bytes of one query and the response accepted for it. */
export interface Exchange {
  query: Uint8Array;
  response: Uint8Array;
  /** "host:port" for udp/tcp/tls, the URL for https. */
  server: string;
  transport: Protocol;
}

export interface UpstreamQuery {
  name: Name;
  type: number;
  /**
   * The query's octets for message ID `id`, when they are not dnssec-stub's
   * own (DO=1, CD=1, EDNS 1232): the doctor's probes with other flags over
   * one UDP, TCP, DoT or DoH transport (src/doctor/probers.ts). The answer
   * is checked against `name` and `type` as always. Not for Upstream, which
   * joins queries in flight by name and type: it refuses such a query
   * (`UpstreamQuestion`; test/resolver/upstream-refuses-own-octets.test.ts).
   */
  encode?: (id: number) => Uint8Array;
}

export interface TransportResult {
  message: Message;
  raw: Uint8Array;
  exchange: Exchange;
}

/** Counters that make spoofing attempts and failures visible. */
export interface TransportStats {
  /** Queries written to the network (each UDP try, TCP/TLS/HTTPS request). */
  queriesSent: number;
  /** Responses that parsed but were not for us (QR, ID, question or source mismatch). */
  mismatchedResponses: number;
  /** Responses that did not parse. */
  malformedResponses: number;
  /** Tries that ended in a timeout. */
  timeouts: number;
  /** UDP answers with TC=1 that made us retry over TCP (RFC 7766 §5). */
  truncated: number;
  /** Queries answered by joining an identical query already in flight (upstream only). */
  deduplicated: number;
}

export function newStats(): TransportStats {
  return { queriesSent: 0, mismatchedResponses: 0, malformedResponses: 0, timeouts: 0, truncated: 0, deduplicated: 0 };
}

export function addStats(into: TransportStats, from: TransportStats): void {
  into.queriesSent += from.queriesSent;
  into.mismatchedResponses += from.mismatchedResponses;
  into.malformedResponses += from.malformedResponses;
  into.timeouts += from.timeouts;
  into.truncated += from.truncated;
  into.deduplicated += from.deduplicated;
}

export interface Transport {
  /** `opts.deadlineMs`: how long the caller will wait (an upstream retries within it; one transport ignores it). */
  query(q: UpstreamQuery, signal?: AbortSignal, opts?: { deadlineMs?: number }): Promise<TransportResult>;
  /** Closes pooled connections; pending queries fail with kind 'closed'. */
  close(): Promise<void>;
  /** Live counters (a snapshot copy). */
  stats?(): TransportStats;
}

/**
 * - timeout: no acceptable answer in time (spoofed or malformed answers do not end the wait)
 * - network: socket error, connection refused/reset/closed before the answer
 * - tls: TLS handshake or certificate check failed (RFC 8310 strict privacy: no fallback)
 * - http: DoH server answered with a non-200 status or a wrong content type
 * - malformed: a response on an authenticated stream (TCP/TLS/HTTPS) that does not parse
 * - aborted: the caller's AbortSignal fired
 * - closed: the transport was closed
 * - config: bad options (not an IP literal, unreadable CA file, bad URL)
 * - overload: too many queries in flight
 */
export type TransportErrorKind =
  | 'timeout'
  | 'network'
  | 'tls'
  | 'http'
  | 'malformed'
  | 'aborted'
  | 'closed'
  | 'config'
  | 'overload';

export class TransportError extends Error {
  override name = 'TransportError';
  constructor(
    readonly kind: TransportErrorKind,
    message: string,
    /** The server this is about ("host:port" or URL), when there is one. */
    readonly server?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** "host:port", with brackets around IPv6 literals. */
export function formatServer(s: ServerAddress): string {
  return isIPv6(s.host) ? `[${s.host}]:${s.port}` : `${s.host}:${s.port}`;
}

/** A fresh random 16-bit message ID (RFC 5452 §4.3: IDs must be unpredictable). */
export function randomId(): number {
  return randomInt(0, 0x10000);
}

export function describeQuery(q: UpstreamQuery): string {
  return `${nameToText(q.name)} ${typeToText(q.type)}`;
}

/** What a response must echo to be accepted. `id` undefined: do not check it (DoH, RFC 8484 §4.1). */
export interface ExpectedResponse {
  id: number | undefined;
  name: Name;
  type: number;
  class: number;
}

export type ResponseCheck =
  | { ok: true; message: Message }
  | { ok: false; malformed: boolean; reason: string };

/**
 * Accepts a response only if it parses, is a response (QR=1) to a standard
 * query (opcode 0), carries our ID and exactly our question: one entry, the
 * same name compared case-insensitively (RFC 4343), same type and class
 * (RFC 5452 §9.1). Anything else is reported, never accepted.
 */
export function checkResponse(raw: Uint8Array, expected: ExpectedResponse): ResponseCheck {
  let message: Message;
  try {
    message = parseMessage(raw);
  } catch (e) {
    const detail = e instanceof MessageError ? e.message : String(e);
    return { ok: false, malformed: true, reason: `malformed response: ${detail}` };
  }
  if (!message.flags.qr) return { ok: false, malformed: false, reason: 'QR bit not set' };
  if (message.flags.opcode !== 0) return { ok: false, malformed: false, reason: `opcode ${message.flags.opcode}` };
  if (expected.id !== undefined && message.id !== expected.id) {
    return { ok: false, malformed: false, reason: `ID ${message.id} instead of ${expected.id}` };
  }
  if (message.question.length !== 1) {
    return { ok: false, malformed: false, reason: `${message.question.length} questions instead of 1` };
  }
  const q = message.question[0]!;
  if (q.type !== expected.type || q.class !== expected.class || !nameEquals(q.name, expected.name)) {
    return { ok: false, malformed: false, reason: `question ${nameToText(q.name)} ${typeToText(q.type)} is not ours` };
  }
  return { ok: true, message };
}

export interface GuardOptions {
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  /** For error messages: "127.0.0.1:53" or a URL. */
  server: string;
  /** For error messages: "udp query for example. A". */
  what: string;
  /** Counted on timeout. */
  stats?: TransportStats;
}

export interface GuardControl<T> {
  resolve(value: T): void;
  reject(error: TransportError): void;
  /** Registers a cleanup function run once when the operation settles (any way). */
  onSettle(fn: () => void): void;
  readonly settled: boolean;
}

/**
 * Runs one network operation that settles exactly once: on success, failure,
 * timeout or abort. Cleanup functions always run (close sockets, clear
 * timers, remove listeners), so no path leaves a resource behind.
 */
export function guarded<T>(opts: GuardOptions, start: (ctl: GuardControl<T>) => void): Promise<T> {
  return new Promise<T>((resolvePromise, rejectPromise) => {
    const cleanups: (() => void)[] = [];
    let settled = false;
    const settle = (): void => {
      settled = true;
      for (const fn of cleanups.splice(0)) {
        try {
          fn();
        } catch {
          // Cleanup must not turn a result into an exception.
        }
      }
    };
    const ctl: GuardControl<T> = {
      resolve(value) {
        if (settled) return;
        settle();
        resolvePromise(value);
      },
      reject(error) {
        if (settled) return;
        settle();
        rejectPromise(error);
      },
      onSettle(fn) {
        if (settled) fn();
        else cleanups.push(fn);
      },
      get settled() {
        return settled;
      },
    };
    const signal = opts.signal;
    if (signal?.aborted) {
      ctl.reject(new TransportError('aborted', `${opts.what} to ${opts.server} aborted`, opts.server, { cause: signal.reason }));
      return;
    }
    const timer = setTimeout(() => {
      if (opts.stats) opts.stats.timeouts++;
      ctl.reject(new TransportError('timeout', `${opts.what} to ${opts.server}: no acceptable answer within ${opts.timeoutMs} ms`, opts.server));
    }, opts.timeoutMs);
    cleanups.push(() => clearTimeout(timer));
    if (signal) {
      const onAbort = (): void =>
        ctl.reject(new TransportError('aborted', `${opts.what} to ${opts.server} aborted`, opts.server, { cause: signal.reason }));
      signal.addEventListener('abort', onAbort, { once: true });
      cleanups.push(() => signal.removeEventListener('abort', onAbort));
    }
    try {
      start(ctl);
    } catch (e) {
      ctl.reject(e instanceof TransportError ? e : new TransportError('network', `${opts.what} to ${opts.server}: ${errorText(e)}`, opts.server, { cause: e }));
    }
  });
}

export function errorText(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as NodeJS.ErrnoException).code;
    return code && !e.message.includes(code) ? `${code}: ${e.message}` : e.message;
  }
  return String(e);
}

/**
 * Canonical text of an IP literal for comparing addresses: IPv6 expanded to
 * eight lower-case groups (scope dropped), IPv4-mapped IPv6 to IPv4.
 */
export function canonicalIp(host: string): string {
  const bare = host.split('%')[0]!.toLowerCase();
  if (!isIPv6(bare)) return bare;
  let text = bare;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const p = v4[1]!.split('.').map(Number);
    text = text.slice(0, -v4[1]!.length) + ((p[0]! << 8) | p[1]!).toString(16) + ':' + ((p[2]! << 8) | p[3]!).toString(16);
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  const norm = groups.map((g) => parseInt(g, 16).toString(16));
  if (norm.slice(0, 5).every((g) => g === '0') && norm[5] === 'ffff') {
    const a = parseInt(norm[6]!, 16);
    const b = parseInt(norm[7]!, 16);
    return `${a >> 8}.${a & 0xff}.${b >> 8}.${b & 0xff}`;
  }
  return norm.join(':');
}
