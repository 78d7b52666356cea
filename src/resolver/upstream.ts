/**
 * The upstream: one transport per configured server, tries and failover the
 * way glibc's res_send does (each attempt walks the servers in order; a
 * timeout, a network error or an answer with SERVFAIL, NOTIMP or REFUSED
 * moves on to the next server), and identical queries in flight sent once.
 *
 * We query with CD=1 (RFC 4035 §3.2.2), so an upstream SERVFAIL is a failure
 * to resolve, not a validation verdict: another server may do better. If no
 * server gives a better answer, the last such answer is returned, so the
 * caller sees the rcode rather than a transport error.
 */
import { isIP } from 'node:net';
import { nameKey } from '../wire/name.js';
import { Rcode } from '../wire/rrtype.js';
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
}

/** Answers that send us to the next server (glibc res_send.c does the same). */
const TRY_NEXT_RCODES: ReadonlySet<number> = new Set([Rcode.SERVFAIL, Rcode.NOTIMP, Rcode.REFUSED]);
/** Errors that will not go away by asking the same server again. */
const PERMANENT_KINDS: ReadonlySet<string> = new Set(['tls', 'config']);

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
  private readonly inflight = new Map<string, InFlight>();
  private readonly counters = newStats();
  private closed = false;
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
    this.transports = this.makeTransports(servers, opts);
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
    return servers.map((server): Transport => {
      switch (this.protocol) {
        case 'udp':
          return new UdpTransport({ server, timeoutMs, ...idle });
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
  query(q: UpstreamQuery, signal?: AbortSignal): Promise<TransportResult> {
    if (this.closed) return Promise.reject(new TransportError('closed', 'upstream is closed'));
    if (signal?.aborted) return Promise.reject(new TransportError('aborted', `query for ${describeQuery(q)} aborted`, undefined, { cause: signal.reason }));
    const key = `${nameKey(q.name)}/${q.type}`;
    let entry = this.inflight.get(key);
    if (entry) this.counters.deduplicated++;
    else {
      const controller = new AbortController();
      const promise = this.resolveWithFailover(q, controller.signal);
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

  private async resolveWithFailover(q: UpstreamQuery, signal: AbortSignal): Promise<TransportResult> {
    const failures: TransportError[] = [];
    const givenUp = new Set<number>();
    let lastAnswer: TransportResult | undefined;
    const n = this.transports.length;
    const start = this.rotate ? this.nextStart++ % n : 0;
    for (let round = 0; round < this.attempts; round++) {
      for (let k = 0; k < n; k++) {
        const i = (start + k) % n;
        if (givenUp.has(i)) continue;
        if (this.closed) throw new TransportError('closed', 'upstream is closed');
        let result: TransportResult;
        try {
          result = await this.transports[i]!.query(q, signal);
        } catch (e) {
          if (!(e instanceof TransportError)) throw e;
          if (this.closed) throw new TransportError('closed', `upstream closed while resolving ${describeQuery(q)}`);
          if (e.kind === 'aborted' || e.kind === 'closed') throw e;
          if (PERMANENT_KINDS.has(e.kind)) givenUp.add(i);
          failures.push(e);
          continue;
        }
        if (TRY_NEXT_RCODES.has(result.message.rcode)) {
          lastAnswer = result;
          continue;
        }
        return result;
      }
    }
    if (lastAnswer) return lastAnswer;
    throw summarize(q, failures);
  }

  stats(): TransportStats {
    const s = { ...this.counters };
    for (const t of this.transports) if (t.stats) addStats(s, t.stats());
    s.deduplicated = this.counters.deduplicated;
    return s;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const entry of this.inflight.values()) entry.controller.abort(new TransportError('closed', 'upstream is closed'));
    this.inflight.clear();
    await Promise.all(this.transports.map((t) => t.close()));
  }
}

/**
 * One error for a query that every server failed: the kind is the common
 * kind, or 'tls' when any server failed TLS authentication (a configuration
 * or security problem must not hide behind timeouts), else the last kind.
 */
function summarize(q: UpstreamQuery, failures: readonly TransportError[]): TransportError {
  const last = failures[failures.length - 1];
  if (!last) return new TransportError('network', `no server could be asked for ${describeQuery(q)}`);
  const kinds = new Set(failures.map((f) => f.kind));
  const kind = kinds.size === 1 ? last.kind : kinds.has('tls') ? 'tls' : last.kind;
  const detail = failures.map((f) => f.message).join('; ');
  return new TransportError(kind, `all upstream tries failed for ${describeQuery(q)}: ${detail}`, last.server, { cause: failures });
}

export function createUpstream(opts: UpstreamOptions): Upstream {
  return new Upstream(opts);
}
