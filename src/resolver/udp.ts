/**
 * DNS over UDP (RFC 1035 §4.2.1) with the spoofing defences of RFC 5452:
 * a random ID and a random source port per query, and an answer accepted
 * only from the address and port we sent to, with our ID and our question.
 *
 * Source ports: one new socket per try, bound to port 0, so the kernel picks
 * a random ephemeral port each time (Linux randomises UDP port selection) and
 * no two queries ever share a port. A pool would save a syscall per query but
 * would reuse ports, the very thing RFC 5452 §9.2 asks us not to make
 * predictable; a stub sends few queries, so the cost does not matter.
 *
 * The socket is connect()ed, so the kernel already drops datagrams from other
 * peers and reports ICMP port unreachable as ECONNREFUSED; the source check
 * below is kept as a second line of defence.
 */
import { createSocket, type RemoteInfo } from 'node:dgram';
import { isIP, isIPv6 } from 'node:net';
import type { Message } from '../wire/message.js';
import { encodeQuery } from '../wire/message.js';
import { TcpTransport } from './tcp.js';
import {
  type ExpectedResponse,
  type ServerAddress,
  type Transport,
  type TransportResult,
  type TransportStats,
  type UpstreamQuery,
  TransportError,
  canonicalIp,
  checkResponse,
  describeQuery,
  errorText,
  formatServer,
  guarded,
  newStats,
  randomId,
} from './transport.js';

/** Largest datagram we accept; our EDNS payload size is 1232 (DNS flag day 2020). */
const MAX_UDP_RESPONSE = 65535;

export interface UdpTryOptions {
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  stats: TransportStats;
}

/**
 * Sends `query` once and waits for an acceptable answer. Unacceptable
 * datagrams (wrong source, ID or question, or unparsable) are counted and
 * ignored: only the timeout ends the wait, so a spoofer cannot make us give
 * up early (RFC 5452 §9.1).
 */
export function udpTry(
  server: ServerAddress,
  query: Uint8Array,
  expected: ExpectedResponse,
  opts: UdpTryOptions,
): Promise<{ message: Message; raw: Uint8Array }> {
  const where = formatServer(server);
  const family = isIP(server.host);
  if (family === 0) {
    return Promise.reject(new TransportError('config', `${where} is not an IP address literal`, where));
  }
  const wantHost = canonicalIp(server.host);
  return guarded<{ message: Message; raw: Uint8Array }>(
    { timeoutMs: opts.timeoutMs, signal: opts.signal, server: where, what: 'UDP query', stats: opts.stats },
    (ctl) => {
      const socket = createSocket({ type: isIPv6(server.host) ? 'udp6' : 'udp4' });
      ctl.onSettle(() => {
        socket.removeAllListeners('message');
        socket.close();
      });
      socket.on('error', (err) => {
        ctl.reject(new TransportError('network', `UDP query to ${where}: ${errorText(err)}`, where, { cause: err }));
      });
      socket.on('message', (msg: Buffer, rinfo: RemoteInfo) => {
        if (rinfo.port !== server.port || canonicalIp(rinfo.address) !== wantHost) {
          opts.stats.mismatchedResponses++;
          return;
        }
        if (msg.length > MAX_UDP_RESPONSE) {
          opts.stats.malformedResponses++;
          return;
        }
        const raw = new Uint8Array(msg);
        const check = checkResponse(raw, expected);
        if (!check.ok) {
          if (check.malformed) opts.stats.malformedResponses++;
          else opts.stats.mismatchedResponses++;
          return;
        }
        ctl.resolve({ message: check.message, raw });
      });
      socket.connect(server.port, server.host, (err?: Error) => {
        if (ctl.settled) return;
        if (err) {
          ctl.reject(new TransportError('network', `UDP connect to ${where}: ${errorText(err)}`, where, { cause: err }));
          return;
        }
        opts.stats.queriesSent++;
        socket.send(query, (err) => {
          if (err) ctl.reject(new TransportError('network', `UDP send to ${where}: ${errorText(err)}`, where, { cause: err }));
        });
      });
    },
  );
}

export interface UdpTransportOptions {
  server: ServerAddress;
  /** Per try, ms. */
  timeoutMs: number;
  /** Idle timeout of the TCP connection used after truncation. */
  idleTimeoutMs?: number;
  /**
   * TCP to the same server for truncated answers. Default: a TcpTransport
   * created on first need and closed with this transport.
   */
  tcp?: Transport;
}

/**
 * One try over UDP; a truncated (TC=1) answer that is otherwise ours is
 * retried over TCP (RFC 7766 §5, RFC 1035 §4.2.1). Retries over several
 * tries and servers are the upstream's job (upstream.ts).
 */
export class UdpTransport implements Transport {
  private readonly counters = newStats();
  private tcp: Transport | undefined;
  private readonly ownsTcp: boolean;
  private closed = false;

  constructor(private readonly opts: UdpTransportOptions) {
    this.tcp = opts.tcp;
    this.ownsTcp = opts.tcp === undefined;
  }

  async query(q: UpstreamQuery, signal?: AbortSignal): Promise<TransportResult> {
    const where = formatServer(this.opts.server);
    if (this.closed) throw new TransportError('closed', `UDP transport to ${where} is closed`, where);
    const id = randomId();
    const query = q.encode ? q.encode(id) : encodeQuery(q.name, q.type, { id });
    const expected: ExpectedResponse = { id, name: q.name, type: q.type, class: 1 };
    const got = await udpTry(this.opts.server, query, expected, {
      timeoutMs: this.opts.timeoutMs,
      signal,
      stats: this.counters,
    }).catch((e: unknown) => {
      throw e instanceof TransportError
        ? new TransportError(e.kind, `${e.message} (${describeQuery(q)})`, e.server, { cause: e.cause })
        : e;
    });
    if (got.message.flags.tc) {
      this.counters.truncated++;
      return this.tcpTransport().query(q, signal);
    }
    return { ...got, exchange: { query, response: got.raw, server: where, transport: 'udp' } };
  }

  private tcpTransport(): Transport {
    this.tcp ??= new TcpTransport({
      server: this.opts.server,
      timeoutMs: this.opts.timeoutMs,
      ...(this.opts.idleTimeoutMs !== undefined ? { idleTimeoutMs: this.opts.idleTimeoutMs } : {}),
    });
    return this.tcp;
  }

  stats(): TransportStats {
    const s = { ...this.counters };
    if (this.ownsTcp && this.tcp?.stats) {
      const t = this.tcp.stats();
      s.queriesSent += t.queriesSent;
      s.mismatchedResponses += t.mismatchedResponses;
      s.malformedResponses += t.malformedResponses;
      s.timeouts += t.timeouts;
    }
    return s;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.ownsTcp && this.tcp) await this.tcp.close();
  }
}
