/**
 * How the doctor's probes reach one resolver, for each transport, so that
 * every check (EDNS, DNSSEC records, AD, CD, SERVFAIL on a bogus name) is
 * made the same way over UDP, TCP, DNS over TLS (RFC 7858) and DNS over
 * HTTPS (RFC 8484): a probe is one query with chosen flags (probe.ts) sent
 * as the transport carries it.
 *
 * - udp: each probe over UDP, again over TCP when truncated (RFC 7766 §5);
 *   besides, UDP alone and TCP alone for reachability, and UDP alone for
 *   the EDNS buffer sizes (fragments are a UDP matter);
 * - tcp: each probe on a TCP connection of its own;
 * - tls, https: each probe over the transport dnssec-stub itself uses
 *   (src/resolver/tls.ts, https.ts: the same certificate checks), one try.
 */
import { HttpsTransport } from '../resolver/https.js';
import { TlsTransport } from '../resolver/tls.js';
import { type Protocol, type ServerAddress, type Transport, errorText, formatServer } from '../resolver/transport.js';
import { type ProbeQuery, type ProbeResult, encodeProbe, probeFull, probeTcp, probeUdp, summarise } from './probe.js';

export interface Prober {
  readonly protocol: Protocol;
  /** "host:port", or the DoH URL. */
  readonly server: string;
  /** One probe as this transport carries it. */
  ask(q: ProbeQuery): Promise<ProbeResult>;
  /** Plain DNS (udp) only: the probe over UDP alone and over TCP alone. */
  readonly plain?: { udp(q: ProbeQuery): Promise<ProbeResult>; tcp(q: ProbeQuery): Promise<ProbeResult> };
  close(): Promise<void>;
}

export interface ProberOptions {
  readonly protocol: Protocol;
  readonly timeoutMs: number;
  readonly tlsServerName?: string;
  readonly caFile?: string;
  /** DoH URL; with a server, connect to it and use the URL's path and name. */
  readonly httpsUrl?: string;
}

/** A probe over an encrypted transport: the probe's own octets, the answer checked as every answer is. */
function overTransport(t: Transport, protocol: Protocol, server: string): Prober {
  return {
    protocol,
    server,
    async ask(q) {
      try {
        const r = await t.query({ name: q.name, type: q.type, encode: (id) => encodeProbe(q, id) });
        return { ok: true, reply: summarise(r.message, r.raw.length) };
      } catch (e) {
        return { ok: false, error: errorText(e) };
      }
    },
    close: () => t.close(),
  };
}

/**
 * The prober for `server` (undefined: DoH to the URL's host). Throws a
 * TransportError of kind 'config' for options the transport refuses (an
 * unreadable CA file, a URL whose host is not an IP address).
 */
export function createProber(server: ServerAddress | undefined, opts: ProberOptions): Prober {
  const { protocol, timeoutMs } = opts;
  const tls = {
    ...(opts.tlsServerName !== undefined ? { tlsServerName: opts.tlsServerName } : {}),
    ...(opts.caFile !== undefined ? { caFile: opts.caFile } : {}),
  };
  if (protocol === 'https') {
    if (opts.httpsUrl === undefined) throw new Error('DoH probes need the URL');
    const t = new HttpsTransport({ url: opts.httpsUrl, ...(server ? { server } : {}), timeoutMs, ...tls });
    return overTransport(t, protocol, server ? `${opts.httpsUrl} at ${formatServer(server)}` : opts.httpsUrl);
  }
  if (!server) throw new Error(`${protocol} probes need a server`);
  if (protocol === 'tls') return overTransport(new TlsTransport({ server, timeoutMs, ...tls }), protocol, formatServer(server));
  const close = async (): Promise<void> => undefined;
  if (protocol === 'tcp') return { protocol, server: formatServer(server), ask: (q) => probeTcp(server, q, timeoutMs), close };
  return {
    protocol,
    server: formatServer(server),
    ask: (q) => probeFull(server, q, timeoutMs),
    plain: { udp: (q) => probeUdp(server, q, timeoutMs), tcp: (q) => probeTcp(server, q, timeoutMs) },
    close,
  };
}
