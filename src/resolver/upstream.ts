/**
 * The upstream: one transport per configured server, a health table per
 * server (RTT, RTO, failures, back-off: health.ts), the tries of each query
 * (tries.ts: healthy servers first, retries on the RTO with back-off, TCP
 * after repeated UDP loss, failover; a timeout, a network error or an answer
 * with SERVFAIL, NOTIMP or REFUSED moves on to the next server), and
 * identical queries in flight sent once. Without a deadline a query makes
 * resolv.conf's `attempts` rounds over the servers, as glibc does; with one
 * it keeps trying until the deadline.
 *
 * We query with CD=1 (RFC 4035 §3.2.2), so an upstream SERVFAIL is a failure
 * to resolve, not a validation verdict: another server may do better. If no
 * server gives a better answer, the last such answer is returned, so the
 * caller sees the rcode rather than a transport error.
 */
import { setMaxListeners } from 'node:events';
import { isIP } from 'node:net';
import { nameKey } from '../wire/name.js';
import { HttpsTransport, DEFAULT_DOH_PATH } from './https.js';
import { checkUpstreamOptions } from './options-check.js';
import { type TextLoader, loadResolvConf, readTextFile } from './resolv-conf.js';
import { TcpTransport } from './tcp.js';
import { DEFAULT_DOT_PORT, TlsTransport } from './tls.js';
import {
  type Protocol,
  type ServerAddress,
  type Transport,
  type TransportResult,
  type TransportStats,
  type UpstreamQuery,
  TransportError,
  addStats,
  canonicalIp,
  describeQuery,
  formatServer,
  newStats,
} from './transport.js';
import { UdpTransport } from './udp.js';
import { HealthTable } from './health.js';
import { type TryEvent, runTries } from './tries.js';

export interface UpstreamOptions {
  /** Servers in order of preference, or 'system' for the nameservers of /etc/resolv.conf. */
  servers: ServerAddress[] | 'system';
  protocol?: Protocol;
  /** Name the DoT/DoH certificate must match; default: the server IP (DoT) or the URL host (DoH). */
  tlsServerName?: string;
  /** PEM file of CAs trusted instead of the system store (DoT, DoH). */
  caFile?: string;
  /** DoH URL (RFC 8484 §3). With servers, connect to each server and use this URL's path and name. */
  httpsUrl?: string;
  /** Per try, ms. Default: resolv.conf's timeout (glibc default 5 s). */
  timeoutMs?: number;
  /** Rounds over all servers. Default: resolv.conf's attempts (glibc default 2). */
  attempts?: number;
  /**
   * Start each query at the next server in turn (resolv.conf `options rotate`)
   * instead of always at the first. Default: resolv.conf's rotate for 'system', else false.
   */
  rotate?: boolean;
  /** Idle timeout of pooled TCP/TLS/HTTPS connections, ms. */
  idleTimeoutMs?: number;
  /** Reads resolv.conf for 'system' and for the defaults (tests inject one). */
  loadText?: TextLoader;
  /** Milliseconds clock for the servers' back-off (tests inject one). Default: Date.now. */
  clock?: () => number;
  /** Called for every try: sent, answered, lost (RTO passed), failed. For tests, doctor and tracing. */
  onTry?: (event: TryEvent) => void;
}

/** Per-query options of Upstream.query. */
export interface UpstreamQueryOptions {
  /**
   * Milliseconds this query may take. Within it the upstream keeps retrying
   * (RTO back-off, failover, TCP after UDP loss) instead of stopping after
   * resolv.conf's attempts.
   */
  deadlineMs?: number;
  /** Ask only this server (an index into `servers`): a second opinion from another path. */
  server?: number;
}

/**
 * A question for the upstream: name and type only. `UpstreamQuery.encode`
 * (a query with other flags, for one transport) is refused, at compile time
 * and at run time, because the upstream joins queries in flight by name and
 * type and would ignore the flags.
 */
export type UpstreamQuestion = Omit<UpstreamQuery, 'encode'> & { encode?: undefined };

/**
 * Tries for one query when the caller gave a deadline: enough to ride out
 * heavy loss (30% each way leaves about half the tries answered; 12 tries
 * all lost is a 1 in 3000 event), bounded so a dead upstream costs little.
 */

export const MAX_TRIES_WITHIN_DEADLINE = 12;

const DEFAULT_PORT: Record<Protocol, number> = { udp: 53, tcp: 53, tls: DEFAULT_DOT_PORT, https: 443 };

interface InFlight {
  promise: Promise<TransportResult>;
  controller: AbortController;
  waiters: number;
}

export class Upstream implements Transport {
  readonly protocol: Protocol;
  readonly timeoutMs: number;
  readonly attempts: number;
  readonly rotate: boolean;
  /** "host:port" or URL of each server, in order. */
  readonly servers: readonly string[];
  private readonly transports: Transport[];
  /** For UDP: TCP to the same servers, shared with the UDP transports' truncation fallback. */
  private readonly tcpTransports: Transport[] | undefined;
  private readonly healthTable: HealthTable;
  private readonly clock: () => number;
  private readonly onTry: ((event: TryEvent) => void) | undefined;
  private readonly inflight = new Map<string, InFlight>();
  private readonly counters = newStats();
  private closed = false;
  private readonly lifetime = new AbortController();
  private nextStart = 0;

  /** Throws ConfigError for bad options (checkUpstreamOptions). */
  constructor(opts: UpstreamOptions) {
    checkUpstreamOptions(opts);
    this.protocol = opts.protocol ?? 'udp';
    const needConf = opts.servers === 'system' || opts.timeoutMs === undefined || opts.attempts === undefined;
    const conf = needConf ? loadResolvConf(opts.loadText ?? readTextFile) : undefined;
    this.timeoutMs = opts.timeoutMs ?? conf!.timeoutMs;
    this.attempts = opts.attempts ?? conf!.attempts;
    this.rotate = opts.rotate ?? (opts.servers === 'system' ? conf!.rotate : false);
    if (!(this.timeoutMs > 0) || !Number.isFinite(this.timeoutMs)) throw new TransportError('config', `timeoutMs must be a positive number, not ${this.timeoutMs}`);
    if (!Number.isInteger(this.attempts) || this.attempts < 1) throw new TransportError('config', `attempts must be a positive integer, not ${this.attempts}`);
    const port = DEFAULT_PORT[this.protocol];
    const servers: ServerAddress[] =
      opts.servers === 'system' ? conf!.nameservers.map((host) => ({ host, port })) : opts.servers;
    for (const s of servers) {
      if (isIP(s.host) === 0) throw new TransportError('config', `server ${JSON.stringify(s.host)} is not an IP address literal`);
      if (!Number.isInteger(s.port) || s.port < 1 || s.port > 65535) throw new TransportError('config', `bad port ${s.port} for ${s.host}`);
    }
    const idle = opts.idleTimeoutMs !== undefined ? { idleTimeoutMs: opts.idleTimeoutMs } : {};
    this.tcpTransports =
      this.protocol === 'udp' ? servers.map((server) => new TcpTransport({ server, timeoutMs: this.timeoutMs, ...idle })) : undefined;
    this.transports = this.makeTransports(servers, opts);
    this.healthTable = new HealthTable(this.transports.length, this.timeoutMs);
    this.clock = opts.clock ?? Date.now;
    this.onTry = opts.onTry;
    // Every try of every query in flight listens for close(): no listener limit.
    setMaxListeners(0, this.lifetime.signal);
    this.servers =
      this.protocol === 'https' && servers.length === 0 ? [opts.httpsUrl ?? ''] : servers.map(formatServer);
  }

  private makeTransports(servers: ServerAddress[], opts: UpstreamOptions): Transport[] {
    const tlsOpts = {
      ...(opts.tlsServerName !== undefined ? { tlsServerName: opts.tlsServerName } : {}),
      ...(opts.caFile !== undefined ? { caFile: opts.caFile } : {}),
    };
    const idle = opts.idleTimeoutMs !== undefined ? { idleTimeoutMs: opts.idleTimeoutMs } : {};
    const timeoutMs = this.timeoutMs;
    if (this.protocol === 'https') {
      if (servers.length === 0) {
        if (!opts.httpsUrl) throw new TransportError('config', 'DoH needs httpsUrl or servers');
        return [new HttpsTransport({ url: opts.httpsUrl, timeoutMs, ...tlsOpts, ...idle })];
      }
      return servers.map((server) => {
        const host = canonicalIp(server.host);
        const url = opts.httpsUrl ?? `https://${isIP(host) === 6 ? `[${host}]` : host}:${server.port}${DEFAULT_DOH_PATH}`;
        return new HttpsTransport({ url, server, timeoutMs, ...tlsOpts, ...idle });
      });
    }
    if (servers.length === 0) throw new TransportError('config', 'no upstream servers given');
    return servers.map((server, i): Transport => {
      switch (this.protocol) {
        case 'udp':
          return new UdpTransport({ server, timeoutMs, ...idle, tcp: this.tcpTransports![i]! });
        case 'tcp':
          return new TcpTransport({ server, timeoutMs, ...idle });
        case 'tls':
          return new TlsTransport({ server, timeoutMs, ...tlsOpts, ...idle });
        default:
          throw new TransportError('config', `unknown protocol ${String(this.protocol)}`);
      }
    });
  }

  /**
   * Resolves `q` upstream. Identical queries (same name, case-insensitively,
   * and type) already in flight are joined, not sent again; each caller's
   * signal only detaches that caller, and the shared query is aborted when
   * no caller is left.
   */
  query(q: UpstreamQuestion, signal?: AbortSignal, opts: UpstreamQueryOptions = {}): Promise<TransportResult> {
    // Joined by name and type only: a query with its own octets (other flags)
    // would get another query's answer, or hand its answer to the others.
    if ((q as UpstreamQuery).encode !== undefined) {
      return Promise.reject(new TransportError('config', `query for ${describeQuery(q)}: Upstream does not take a query with its own octets (encode); use one transport for that`));
    }
    if (this.closed) return Promise.reject(new TransportError('closed', 'upstream is closed'));
    if (signal?.aborted) return Promise.reject(new TransportError('aborted', `query for ${describeQuery(q)} aborted`, undefined, { cause: signal.reason }));
    const only = opts.server;
    if (only !== undefined && !(Number.isInteger(only) && only >= 0 && only < this.transports.length)) {
      return Promise.reject(new TransportError('config', `no server number ${only}`));
    }
    const key = `${nameKey(q.name)}/${q.type}${only !== undefined ? `@${only}` : ''}`;
    let entry = this.inflight.get(key);
    if (entry) this.counters.deduplicated++;
    else {
      const controller = new AbortController();
      const promise = this.resolveWithFailover(q, controller.signal, opts.deadlineMs, only);
      const created: InFlight = { promise, controller, waiters: 0 };
      const forget = (): void => {
        if (this.inflight.get(key) === created) this.inflight.delete(key);
      };
      promise.then(forget, forget);
      this.inflight.set(key, created);
      entry = created;
    }
    return this.join(entry, key, q, signal);
  }

  private join(entry: InFlight, key: string, q: UpstreamQuery, signal: AbortSignal | undefined): Promise<TransportResult> {
    entry.waiters++;
    if (!signal) return entry.promise;
    return new Promise<TransportResult>((resolve, reject) => {
      let detached = false;
      const onAbort = (): void => {
        detached = true;
        entry.waiters--;
        if (entry.waiters === 0) {
          if (this.inflight.get(key) === entry) this.inflight.delete(key);
          entry.controller.abort(signal.reason);
        }
        reject(new TransportError('aborted', `query for ${describeQuery(q)} aborted`, undefined, { cause: signal.reason }));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      entry.promise.then(
        (r) => {
          signal.removeEventListener('abort', onAbort);
          if (!detached) resolve(r);
        },
        (e: unknown) => {
          signal.removeEventListener('abort', onAbort);
          if (!detached) reject(e);
        },
      );
    });
  }

  private resolveWithFailover(q: UpstreamQuery, signal: AbortSignal, deadlineMs: number | undefined, only: number | undefined): Promise<TransportResult> {
    const n = only !== undefined ? 1 : this.transports.length;
    const start = this.rotate && only === undefined ? this.nextStart++ % n : 0;
    const preference = only !== undefined ? [only] : Array.from({ length: n }, (_, k) => (start + k) % n);
    const deadline = deadlineMs !== undefined ? performance.now() + deadlineMs : undefined;
    return runTries({
      q,
      servers: this.servers,
      protocol: this.protocol,
      transports: this.transports,
      tcp: this.tcpTransports,
      health: this.healthTable,
      preference,
      byRtt: !this.rotate,
      // glibc's budget (attempts rounds over the servers); within a deadline, as many as fit.
      maxTries: deadline !== undefined ? Math.max(MAX_TRIES_WITHIN_DEADLINE, this.attempts * n) : this.attempts * n,
      deadline,
      clock: this.clock,
      signal,
      lifetime: this.lifetime.signal,
      isClosed: () => this.closed,
      onTry: this.onTry,
    });
  }

  /** Servers not backed off, best first (the order a query would try them in). */
  healthyOrder(): number[] {
    const now = this.clock();
    const all = Array.from({ length: this.transports.length }, (_, i) => i);
    return this.healthTable.order(now, all, !this.rotate).filter((i) => !this.healthTable.backedOff(i, now));
  }

  /** What the upstream has learnt about each server (RTT, RTO, failures, back-off), in the configured order. */
  health(): { server: string; srttMs: number | undefined; rtoMs: number; failures: number; backedOff: boolean }[] {
    const now = this.clock();
    return this.servers.map((server, i) => {
      const v = this.healthTable.view(i);
      return { server, srttMs: v.srttMs, rtoMs: v.rtoMs, failures: v.failures, backedOff: v.backoffUntil > now };
    });
  }

  stats(): TransportStats {
    const s = { ...this.counters };
    for (const t of [...this.transports, ...(this.tcpTransports ?? [])]) if (t.stats) addStats(s, t.stats());
    s.deduplicated = this.counters.deduplicated;
    return s;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.lifetime.abort(new TransportError('closed', 'upstream is closed'));
    for (const entry of this.inflight.values()) entry.controller.abort(new TransportError('closed', 'upstream is closed'));
    this.inflight.clear();
    await Promise.all([...this.transports, ...(this.tcpTransports ?? [])].map((t) => t.close()));
  }
}

export function createUpstream(opts: UpstreamOptions): Upstream {
  return new Upstream(opts);
}
