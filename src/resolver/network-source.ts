/**
 * The validator's response source over the network: the upstream transports
 * (UDP with TCP fallback, TCP, DoT, DoH, failover), a response cache,
 * identical in-flight questions sent once, and optional capture of every
 * exchange into a fixture.
 *
 * Queries go out with DO=1 and CD=1 (RFC 4035 §3.2.2, the transports' query
 * encoder): the upstream passes everything it has and we validate.
 */
import { ConfigError, describeValue } from '../errors.js';
import type { CaptureRecorder } from '../fixtures/fixture.js';
import type { Message } from '../wire/message.js';
import { extendedErrors } from '../wire/message.js';
import { type Name, nameKey, nameToText } from '../wire/name.js';
import { rcodeToText, typeToText } from '../wire/rrtype.js';
import { carriesAnswer } from '../wire/rcode-policy.js';
import { type QueryOptions, type ResponseSource, UpstreamError } from '../types.js';
import { ResponseCache, type ResponseCacheOptions } from './cache.js';
import type { Transport, TransportResult, TransportStats } from './transport.js';
import { TransportError } from './transport.js';
import { Upstream, type UpstreamOptions, type UpstreamQueryOptions, createUpstream } from './upstream.js';

export interface NetworkSourceOptions extends UpstreamOptions {
  /**
   * The response cache: an instance (to share between sources), options for
   * a new one, or false for none. Default: a new cache with default bounds.
   */
  cache?: ResponseCache | ResponseCacheOptions | false;
  /** Records every response (network or cache) so it can be written as a fixture. */
  capture?: CaptureRecorder;
  /** Unix seconds, for the cache. Default: the system clock. */
  clock?: () => number;
  /**
   * The transport to ask instead of building one from the options (tests,
   * or a caller that shares one upstream). Not closed by close().
   */
  transport?: Transport;
}

/**
 * Upstream answers that mean "no answer" rather than a DNS fact: the
 * upstream could not resolve (SERVFAIL), would not (REFUSED) or did not
 * understand (FORMERR, NOTIMP). With CD=1 a validating upstream does not
 * turn bogus data into SERVFAIL (RFC 4035 §3.2.2), so this is a failure to
 * resolve, reported as UpstreamError, never as a validation verdict.
 */

/** A one-line cause from a transport failure. */
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

export class NetworkSource implements ResponseSource {
  readonly cache: ResponseCache | undefined;
  private readonly transport: Transport;
  private readonly ownsTransport: boolean;
  private readonly capture: CaptureRecorder | undefined;
  private readonly inflight = new Map<string, Promise<Message>>();
  private closed = false;

  /** Throws ConfigError for bad options (which option, and why). */
  constructor(opts: NetworkSourceOptions) {
    if (typeof opts !== 'object' || opts === null) throw new ConfigError(`createNetworkSource needs an options object ({ servers: [{ host, port }] } or { servers: 'system' }), not ${describeValue(opts)}`);
    const { cache, capture, clock, transport, ...upstream } = opts;
    if (cache instanceof ResponseCache) this.cache = cache;
    else if (cache === false) this.cache = undefined;
    else this.cache = new ResponseCache({ ...(clock ? { clock } : {}), ...(cache ?? {}) });
    this.capture = capture;
    if (transport) {
      this.transport = transport;
      this.ownsTransport = false;
    } else {
      try {
        this.transport = createUpstream(upstream);
      } catch (e) {
        // Bad options (not an IP literal, no servers, bad timeout) are the caller's to fix: ConfigError, not UpstreamError.
        if (e instanceof ConfigError) throw e;
        if (e instanceof TransportError && e.kind === 'config') throw new ConfigError(oneLine(e.message), { cause: e });
        // Anything else (resolv.conf unreadable for 'system'): no upstream to ask.
        throw new UpstreamError(oneLine(e instanceof Error ? e.message : String(e)), e);
      }
      this.ownsTransport = true;
    }
  }

  /**
   * The response to (name, type), from the cache or the upstream. Rejects
   * with UpstreamError when there is no answer: every server failed or timed
   * out, or the upstream answered SERVFAIL, REFUSED, FORMERR or NOTIMP.
   */
  query(name: Name, type: number, opts: QueryOptions = {}): Promise<Message> {
    if (this.closed) return Promise.reject(new UpstreamError('the network source is closed'));
    const hit = this.cache?.get(name, type);
    if (hit) {
      this.capture?.record(name, type, hit.raw);
      return Promise.resolve(hit.message);
    }
    const key = `${nameKey(name)}|${type}`;
    let pending = this.inflight.get(key);
    if (!pending) {
      // Shared by every caller: not bound to the first caller's signal, only to its deadline.
      const started = this.fetch(name, type, opts.deadlineMs);
      const forget = (): void => {
        if (this.inflight.get(key) === started) this.inflight.delete(key);
      };
      started.then(forget, forget);
      this.inflight.set(key, started);
      pending = started;
    }
    return untilAborted(pending, opts.signal, `${nameToText(name)} ${typeToText(type)}`);
  }

  private async fetch(name: Name, type: number, deadlineMs: number | undefined): Promise<Message> {
    const message = await askUpstream(this.transport, name, type, this.capture, deadlineMs !== undefined ? { deadlineMs } : {});
    this.cache?.set(name, type, message.message, message.raw);
    return message.message;
  }

  /**
   * Each other server of the upstream that is not backed off, as a source
   * that asks only it, past the response cache (whose entries came through
   * the path under suspicion) and into it: the validator's second opinion
   * (validator/other-paths.ts). Empty with one server or a transport passed in.
   */
  otherPaths(): readonly ResponseSource[] {
    if (!(this.transport instanceof Upstream) || this.closed) return [];
    const upstream = this.transport;
    const [, ...others] = upstream.healthyOrder();
    return others.map((server) => ({
      query: async (name: Name, type: number, opts: QueryOptions = {}): Promise<Message> => {
        if (this.closed) throw new UpstreamError('the network source is closed');
        const got = await askUpstream(upstream, name, type, this.capture, { ...(opts.deadlineMs !== undefined ? { deadlineMs: opts.deadlineMs } : {}), server }, opts.signal);
        // Replaces what the suspect path left in the cache (the next question starts from this path's data).
        this.cache?.set(name, type, got.message, got.raw);
        return got.message;
      },
    }));
  }

  /** The transports' counters (queries sent, spoofed/malformed answers seen, timeouts, ...). */
  stats(): TransportStats | undefined {
    return this.transport.stats?.();
  }

  /** Closes the upstream's pooled connections (not a transport passed in). Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.inflight.clear();
    if (this.ownsTransport) await this.transport.close();
  }
}

/**
 * One question to the upstream: the answer, or an UpstreamError when there
 * is none (every try failed, or SERVFAIL, REFUSED, FORMERR, NOTIMP).
 */
async function askUpstream(
  transport: Transport,
  name: Name,
  type: number,
  capture: CaptureRecorder | undefined,
  opts: UpstreamQueryOptions,
  signal?: AbortSignal,
): Promise<TransportResult> {
  const what = `${nameToText(name)} ${typeToText(type)}`;
  let result: TransportResult;
  try {
    result = await transport.query({ name, type }, signal, opts);
  } catch (e) {
    if (e instanceof TransportError) throw new UpstreamError(oneLine(e.message), e);
    throw new UpstreamError(`query for ${what} failed: ${oneLine(e instanceof Error ? e.message : String(e))}`, e);
  }
  const { message, raw } = result;
  capture?.record(name, type, raw);
  if (!carriesAnswer(message.rcode)) {
    const ede = extendedErrors(message)
      .map((x) => `EDE ${x.infoCode}${x.text ? `: ${x.text}` : ''}`)
      .join('; ');
    const from = result.exchange.server;
    throw new UpstreamError(`upstream ${from} answered ${rcodeToText(message.rcode)} to ${what}${ede ? ` (${oneLine(ede)})` : ''}`);
  }
  return result;
}

/** Waits for `p`, or rejects with an UpstreamError when `signal` aborts first. */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal | undefined, what: string): Promise<T> {
  if (!signal) return p;
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new UpstreamError(`query for ${what} aborted`, signal.reason));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

export function createNetworkSource(opts: NetworkSourceOptions): NetworkSource {
  return new NetworkSource(opts);
}
