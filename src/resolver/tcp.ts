/**
 * DNS over TCP (RFC 1035 §4.2.2, RFC 7766) and the stream machinery shared
 * with DNS over TLS (tls.ts, RFC 7858 §3.3 uses the same framing).
 *
 * - Every message has a two-octet length prefix (RFC 1035 §4.2.2); reads may
 *   deliver part of a message or several messages at once.
 * - One connection per server is reused for many queries, which are
 *   pipelined; answers may come back in any order and are matched by ID
 *   (RFC 7766 §6.2.1.1), so the IDs in flight on a connection are distinct.
 * - An idle connection is closed after `idleTimeoutMs` (RFC 7766 §6.2.3) and
 *   never keeps the process alive (its socket is unref'd while idle).
 * - A server may close the connection at any time (RFC 7766 §6.2.3); queries
 *   still unanswered on a connection that had been reused are retried once on
 *   a new connection (RFC 7766 §6.2.1 "the client ... should retry").
 */
import { type Socket, connect as netConnect, isIP } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Message } from '../wire/message.js';
import { encodeQuery } from '../wire/message.js';
import {
  type ExpectedResponse,
  type Protocol,
  type ServerAddress,
  type Transport,
  type TransportResult,
  type TransportStats,
  type UpstreamQuery,
  TransportError,
  checkResponse,
  describeQuery,
  errorText,
  formatServer,
  guarded,
  newStats,
  randomId,
} from './transport.js';

/** Default idle timeout of a pooled connection (RFC 7766 §6.2.3 suggests seconds). */
export const DEFAULT_IDLE_TIMEOUT_MS = 10_000;
/** Queries in flight on one connection; past that a second connection is opened. */
export const MAX_IN_FLIGHT_PER_CONNECTION = 256;
/** Connections per server; past that queries fail with kind 'overload'. */
export const MAX_CONNECTIONS_PER_SERVER = 4;

/** Prefixes a message with its two-octet length (RFC 1035 §4.2.2). */
export function frameMessage(message: Uint8Array): Uint8Array {
  if (message.length > 0xffff) throw new RangeError('DNS message longer than 65535 octets');
  const out = new Uint8Array(message.length + 2);
  out[0] = message.length >> 8;
  out[1] = message.length & 0xff;
  out.set(message, 2);
  return out;
}

/** Reassembles length-prefixed messages from arbitrary chunks of a stream. */
export class FrameReader {
  private buffer: Uint8Array = new Uint8Array(0);

  /** Adds a chunk; returns the messages it completed, in order. */
  push(chunk: Uint8Array): Uint8Array[] {
    if (this.buffer.length === 0) this.buffer = chunk;
    else {
      const joined = new Uint8Array(this.buffer.length + chunk.length);
      joined.set(this.buffer, 0);
      joined.set(chunk, this.buffer.length);
      this.buffer = joined;
    }
    const out: Uint8Array[] = [];
    let pos = 0;
    while (this.buffer.length - pos >= 2) {
      const len = (this.buffer[pos]! << 8) | this.buffer[pos + 1]!;
      if (this.buffer.length - pos - 2 < len) break;
      out.push(this.buffer.slice(pos + 2, pos + 2 + len));
      pos += 2 + len;
    }
    this.buffer = pos === 0 ? this.buffer : this.buffer.slice(pos);
    return out;
  }

  /** Octets of an incomplete message still buffered. */
  get pendingBytes(): number {
    return this.buffer.length;
  }
}

/** Opens the byte stream; it must emit 'ready' when usable (net: 'connect', tls: 'secureConnect'). */
export interface OpenedStream {
  socket: Socket | TLSSocket;
  readyEvent: 'connect' | 'secureConnect';
}
export type StreamConnector = () => OpenedStream;

/** Maps a stream error to a TransportError; tls.ts classifies certificate failures. */
export type StreamErrorClassifier = (err: Error, handshakeDone: boolean) => TransportError;

interface PendingQuery {
  expected: ExpectedResponse;
  resolve(r: { message: Message; raw: Uint8Array }): void;
  reject(e: TransportError): void;
}

/** One TCP or TLS connection carrying pipelined queries. */
export class StreamConnection {
  private readonly socket: Socket | TLSSocket;
  private readonly reader = new FrameReader();
  private readonly pending = new Map<number, PendingQuery>();
  private readonly waitingForReady: (() => void)[] = [];
  private ready = false;
  private idleTimer: NodeJS.Timeout | undefined;
  /** Answers received so far; a connection that answered before is "reused". */
  answered = 0;
  closed = false;

  constructor(
    connector: StreamConnector,
    private readonly where: string,
    private readonly idleTimeoutMs: number,
    private readonly stats: TransportStats,
    private readonly classify: StreamErrorClassifier,
    private readonly onClosed: (c: StreamConnection) => void,
  ) {
    const { socket, readyEvent } = connector();
    this.socket = socket;
    socket.setNoDelay(true);
    socket.once(readyEvent, () => {
      this.ready = true;
      for (const send of this.waitingForReady.splice(0)) send();
      this.armIdle();
    });
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.fail(this.classify(err, this.ready)));
    // The server closed its side (RFC 7766 §6.2.3); we cannot expect answers any more.
    socket.on('end', () => this.fail(new TransportError('network', `${where} closed the connection`, where)));
    socket.on('close', () => this.fail(new TransportError('network', `connection to ${where} closed`, where)));
  }

  get inFlight(): number {
    return this.pending.size;
  }

  /** Sends one query; `makeQuery` gets an ID not in flight on this connection. */
  exchange(
    makeQuery: (id: number) => { query: Uint8Array; expected: ExpectedResponse },
    timeoutMs: number,
    signal: AbortSignal | undefined,
    what: string,
  ): { query: Uint8Array; result: Promise<{ message: Message; raw: Uint8Array }> } {
    let id = randomId();
    for (let tries = 0; this.pending.has(id) && tries < 0x10000; tries++) id = randomId();
    const { query, expected } = makeQuery(id);
    const result = guarded<{ message: Message; raw: Uint8Array }>(
      { timeoutMs, signal, server: this.where, what, stats: this.stats },
      (ctl) => {
        if (this.closed) throw new TransportError('network', `connection to ${this.where} is closed`, this.where);
        if (this.pending.has(id)) throw new TransportError('overload', `no free message ID on ${this.where}`, this.where);
        this.pending.set(id, { expected, resolve: ctl.resolve, reject: ctl.reject });
        ctl.onSettle(() => {
          this.pending.delete(id);
          this.armIdle();
        });
        this.disarmIdle();
        const send = (): void => {
          if (ctl.settled || this.closed) return;
          this.stats.queriesSent++;
          this.socket.write(frameMessage(query));
        };
        if (this.ready) send();
        else this.waitingForReady.push(send);
      },
    );
    return { query, result };
  }

  private onData(chunk: Buffer): void {
    let frames: Uint8Array[];
    try {
      frames = this.reader.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    } catch (e) {
      this.fail(new TransportError('network', `reading from ${this.where}: ${errorText(e)}`, this.where));
      return;
    }
    for (const raw of frames) {
      if (raw.length < 2) {
        this.stats.malformedResponses++;
        continue;
      }
      const id = (raw[0]! << 8) | raw[1]!;
      const waiter = this.pending.get(id);
      if (!waiter) {
        this.stats.mismatchedResponses++;
        continue;
      }
      const check = checkResponse(raw, waiter.expected);
      if (!check.ok) {
        // Same policy as UDP: ignore it and keep waiting for the timeout.
        if (check.malformed) this.stats.malformedResponses++;
        else this.stats.mismatchedResponses++;
        continue;
      }
      this.answered++;
      waiter.resolve({ message: check.message, raw });
    }
  }

  private armIdle(): void {
    if (this.closed || !this.ready || this.pending.size > 0) return;
    this.disarmIdle();
    // An idle pooled connection must not keep the process alive.
    this.socket.unref();
    this.idleTimer = setTimeout(() => this.close(), this.idleTimeoutMs);
    this.idleTimer.unref();
  }

  private disarmIdle(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    this.socket.ref();
  }

  /** Fails every query in flight and closes the socket. */
  private fail(error: TransportError): void {
    if (this.closed) return;
    this.closed = true;
    this.disarmIdle();
    this.socket.unref();
    this.socket.destroy();
    this.waitingForReady.length = 0;
    for (const p of [...this.pending.values()]) p.reject(error);
    this.pending.clear();
    this.onClosed(this);
  }

  close(): void {
    this.fail(new TransportError('closed', `connection to ${this.where} closed by us`, this.where));
  }
}

export interface StreamTransportOptions {
  server: ServerAddress;
  /** Per query, ms (includes connecting and the TLS handshake). */
  timeoutMs: number;
  idleTimeoutMs?: number;
}

/** A pool of pipelined connections to one server; base of TcpTransport and TlsTransport. */
export abstract class StreamTransport implements Transport {
  protected readonly counters = newStats();
  protected readonly where: string;
  private readonly connections: StreamConnection[] = [];
  private closed = false;

  constructor(
    protected readonly opts: StreamTransportOptions,
    private readonly protocol: Protocol,
  ) {
    this.where = formatServer(opts.server);
  }

  protected abstract connector(): OpenedStream;
  protected abstract classify(err: Error, handshakeDone: boolean): TransportError;

  /** Validates options before any socket is made; throws kind 'config'. */
  protected checkServer(): void {
    if (isIP(this.opts.server.host) === 0) {
      throw new TransportError('config', `${this.where} is not an IP address literal`, this.where);
    }
  }

  async query(q: UpstreamQuery, signal?: AbortSignal): Promise<TransportResult> {
    if (this.closed) throw new TransportError('closed', `${this.protocol} transport to ${this.where} is closed`, this.where);
    this.checkServer();
    const first = this.pick(false);
    try {
      return await this.once(first, q, signal);
    } catch (e) {
      // RFC 7766 §6.2.1: a server may close an idle connection just as we
      // reuse it; retry once on a fresh connection.
      if (e instanceof TransportError && e.kind === 'network' && first.reused && !this.closed) {
        return this.once(this.pick(true), q, signal);
      }
      throw e;
    }
  }

  private async once(
    pick: { conn: StreamConnection },
    q: UpstreamQuery,
    signal: AbortSignal | undefined,
  ): Promise<TransportResult> {
    const { query, result } = pick.conn.exchange(
      (id) => ({
        query: q.encode ? q.encode(id) : encodeQuery(q.name, q.type, { id }),
        expected: { id, name: q.name, type: q.type, class: 1 },
      }),
      this.opts.timeoutMs,
      signal,
      `${this.protocol.toUpperCase()} query for ${describeQuery(q)}`,
    );
    const got = await result;
    return { ...got, exchange: { query, response: got.raw, server: this.where, transport: this.protocol } };
  }

  /** An open connection with room, or a new one. */
  private pick(forceNew: boolean): { conn: StreamConnection; reused: boolean } {
    if (!forceNew) {
      for (const c of this.connections) {
        if (!c.closed && c.inFlight < MAX_IN_FLIGHT_PER_CONNECTION) return { conn: c, reused: c.answered > 0 };
      }
    }
    if (this.connections.length >= MAX_CONNECTIONS_PER_SERVER) {
      const oldest = this.connections.find((c) => c.inFlight === 0);
      if (oldest) oldest.close();
      else throw new TransportError('overload', `too many queries in flight to ${this.where}`, this.where);
    }
    const conn = new StreamConnection(
      () => this.connector(),
      this.where,
      this.opts.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
      this.counters,
      (err, done) => this.classify(err, done),
      (c) => {
        const i = this.connections.indexOf(c);
        if (i >= 0) this.connections.splice(i, 1);
      },
    );
    this.connections.push(conn);
    return { conn, reused: false };
  }

  /** Open connections (for tests and diagnostics). */
  get openConnections(): number {
    return this.connections.filter((c) => !c.closed).length;
  }

  stats(): TransportStats {
    return { ...this.counters };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const c of [...this.connections]) c.close();
  }
}

/** DNS over plain TCP (RFC 7766). */
export class TcpTransport extends StreamTransport {
  constructor(opts: StreamTransportOptions) {
    super(opts, 'tcp');
  }

  protected connector(): OpenedStream {
    const socket = netConnect({ host: this.opts.server.host, port: this.opts.server.port });
    return { socket, readyEvent: 'connect' };
  }

  protected classify(err: Error): TransportError {
    return new TransportError('network', `TCP connection to ${this.where}: ${errorText(err)}`, this.where, { cause: err });
  }
}
