/**
 * The loopback validating proxy: DNS over UDP and TCP on each listen
 * address, every query checked against the access list before any work
 * (as Unbound's worker.c), bounded in flight per client and in total, and
 * answered by the handler. TCP follows RFC 7766: several queries per
 * connection, answered as they complete (out of order, §6.2.1.1), an idle
 * timeout (§6.2.3) and a cap on connections.
 *
 * drain(): stop taking queries, let those in flight finish (bounded), close.
 */
import { type Socket as UdpSocket, createSocket } from 'node:dgram';
import { type Server as TcpServer, type Socket, createServer, isIPv6 } from 'node:net';
import { nameToText } from '../wire/name.js';
import { typeToText } from '../wire/rrtype.js';
import { type Answer, type HandlerDeps, answerQuery, busyAnswer, rejectAnswer } from './handler.js';
import { readRequest } from './request.js';
import { MAX_MESSAGE, udpLimit } from './response.js';
import { ServerStats } from './stats.js';

export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

export interface ProxyLimits {
  /** Queries being answered at once, all clients (Unbound: num-queries-per-thread). Default 1024. */
  readonly maxInFlight?: number;
  /** Queries being answered at once for one client address. Default 128. */
  readonly maxInFlightPerClient?: number;
  /** Open TCP connections. Default 256. */
  readonly maxTcpConnections?: number;
  /** Queries read ahead on one TCP connection before reading pauses. Default 32. */
  readonly maxPipelined?: number;
  /** A TCP connection with nothing in flight is closed after this long, ms (RFC 7766 §6.2.3). Default 10000. */
  readonly tcpIdleMs?: number;
}

export interface ProxyOptions extends ProxyLimits, HandlerDeps {
  readonly listen: readonly ListenAddress[];
  /** Decides by source address, before anything else is done (an AccessList). */
  readonly acl: { allows(address: string | undefined): boolean };
  /** A line for the log (bogus answers, internal failures). */
  readonly log: (line: string) => void;
}

interface Tcp {
  readonly socket: Socket;
  inFlight: number;
  paused: boolean;
}

export class ProxyServer {
  readonly stats = new ServerStats();
  private readonly udp: UdpSocket[] = [];
  private readonly tcp: TcpServer[] = [];
  private readonly connections = new Set<Tcp>();
  private readonly perClient = new Map<string, number>();
  private inFlight = 0;
  private draining = false;
  private idle: (() => void) | undefined;
  private readonly limits: Required<ProxyLimits>;

  constructor(private readonly opts: ProxyOptions) {
    this.limits = {
      maxInFlight: opts.maxInFlight ?? 1024,
      maxInFlightPerClient: opts.maxInFlightPerClient ?? 128,
      maxTcpConnections: opts.maxTcpConnections ?? 256,
      maxPipelined: opts.maxPipelined ?? 32,
      tcpIdleMs: opts.tcpIdleMs ?? 10_000,
    };
  }

  /** Binds every listen address over UDP and TCP. Rejects (closing what was bound) when one cannot be bound. */
  async start(): Promise<ListenAddress[]> {
    const bound: ListenAddress[] = [];
    try {
      for (const l of this.opts.listen) {
        const port = await this.bindUdp(l);
        await this.bindTcp({ host: l.host, port });
        bound.push({ host: l.host, port });
      }
    } catch (e) {
      await this.close();
      throw e;
    }
    return bound;
  }

  private bindUdp(l: ListenAddress): Promise<number> {
    const socket = createSocket({ type: isIPv6(l.host) ? 'udp6' : 'udp4', ipv6Only: isIPv6(l.host) });
    this.udp.push(socket);
    socket.on('message', (msg, rinfo) => this.onUdp(socket, msg, rinfo.address, rinfo.port));
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(l.port, l.host, () => {
        socket.off('error', reject);
        socket.on('error', (e) => this.opts.log(`udp ${l.host}: ${e.message}`));
        resolve(socket.address().port);
      });
    });
  }

  private bindTcp(l: ListenAddress): Promise<void> {
    const server = createServer({ noDelay: true }, (socket) => this.onConnection(socket));
    this.tcp.push(server);
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: l.host, port: l.port, ipv6Only: isIPv6(l.host) }, () => {
        server.off('error', reject);
        server.on('error', (e) => this.opts.log(`tcp ${l.host}: ${e.message}`));
        resolve();
      });
    });
  }

  /** Takes a slot for a query from `client`, or says why not (draining, or over a limit). */
  private acquire(client: string): true | string {
    const mine = this.perClient.get(client) ?? 0;
    if (this.draining) return 'the proxy is stopping';
    if (this.inFlight >= this.limits.maxInFlight) return `over the limit of ${this.limits.maxInFlight} queries in flight`;
    if (mine >= this.limits.maxInFlightPerClient) return `over the limit of ${this.limits.maxInFlightPerClient} queries in flight for one client`;
    this.inFlight++;
    this.perClient.set(client, mine + 1);
    return true;
  }

  private release(client: string): void {
    this.inFlight--;
    const mine = (this.perClient.get(client) ?? 1) - 1;
    if (mine <= 0) this.perClient.delete(client);
    else this.perClient.set(client, mine);
    if (this.inFlight === 0) this.idle?.();
  }

  /** Reads and answers one query; undefined when it is dropped. */
  private async handle(msg: Uint8Array, client: string): Promise<{ answer: Answer; edns: number | undefined } | undefined> {
    const started = performance.now();
    this.stats.queries++;
    const req = readRequest(msg);
    if (req.kind === 'drop') {
      this.stats.dropped++;
      return undefined;
    }
    let answer: Answer;
    let edns: number | undefined;
    if (req.kind === 'reject') {
      answer = rejectAnswer(req.reject);
      edns = req.reject.edns ? 0 : undefined;
    } else {
      answer = await answerQuery(req.query, this.opts);
      edns = req.query.edns?.udpPayloadSize;
      const q = req.query.question;
      if (answer.outcome === 'bogus') this.opts.log(`bogus ${nameToText(q.name)} ${typeToText(q.type)} for ${client}: ${answer.why ?? ''}`);
    }
    this.stats.answered(answer.outcome, answer.cacheHit, performance.now() - started);
    return { answer, edns };
  }

  private onUdp(socket: UdpSocket, msg: Buffer, address: string, port: number): void {
    if (!this.opts.acl.allows(address)) {
      this.stats.denied++;
      return;
    }
    // Over a limit, a UDP query is dropped: the client retries (Unbound drops as well).
    if (this.acquire(address) !== true) {
      this.stats.dropped++;
      return;
    }
    void this.handle(msg, address)
      .then(async (r) => {
        if (!r || this.closed) return;
        // The slot is held until the datagram is handed to the system, so a drain cannot cut it off.
        await new Promise<void>((resolve) => socket.send(r.answer.response(udpLimit(r.edns)), port, address, () => resolve()));
      })
      .catch((e: unknown) => this.opts.log(`internal error: ${e instanceof Error ? e.message : String(e)}`))
      .finally(() => this.release(address));
  }

  private closed = false;

  private onConnection(socket: Socket): void {
    const address = socket.remoteAddress;
    if (!this.opts.acl.allows(address) || this.draining) {
      this.stats.denied += this.draining ? 0 : 1;
      socket.destroy();
      return;
    }
    if (this.connections.size >= this.limits.maxTcpConnections) {
      this.stats.dropped++;
      socket.destroy();
      return;
    }
    const conn: Tcp = { socket, inFlight: 0, paused: false };
    this.connections.add(conn);
    let pending: Buffer = Buffer.alloc(0);
    socket.setTimeout(this.limits.tcpIdleMs, () => {
      if (conn.inFlight === 0) socket.end();
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.connections.delete(conn));
    socket.on('data', (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      while (pending.length >= 2) {
        const len = pending.readUInt16BE(0);
        if (pending.length < 2 + len) break;
        const msg = pending.subarray(2, 2 + len);
        pending = pending.subarray(2 + len);
        this.onTcpMessage(conn, address!, new Uint8Array(msg));
      }
    });
  }

  private onTcpMessage(conn: Tcp, address: string, msg: Uint8Array): void {
    const slot = this.acquire(address);
    if (slot !== true) {
      this.answerBusy(conn, msg, slot);
      return;
    }
    conn.inFlight++;
    if (conn.inFlight >= this.limits.maxPipelined && !conn.paused) {
      conn.paused = true;
      conn.socket.pause();
    }
    void this.handle(msg, address)
      .then((r) => {
        if (!r || conn.socket.destroyed) return;
        this.writeTcp(conn, r.answer.response(MAX_MESSAGE));
      })
      .catch((e: unknown) => this.opts.log(`internal error: ${e instanceof Error ? e.message : String(e)}`))
      .finally(() => {
        conn.inFlight--;
        if (conn.paused && conn.inFlight < this.limits.maxPipelined && !this.draining) {
          conn.paused = false;
          conn.socket.resume();
        }
        this.release(address);
      });
  }

  /**
   * A query over a limit (or while draining) on TCP: SERVFAIL at once
   * (handler.ts busyAnswer), since silence on a stream leaves the client
   * waiting for its timeout. It takes no slot and asks nothing upstream. A
   * client that does not read its answers gets none written (the socket's
   * buffer stays bounded): dropped.
   */
  private answerBusy(conn: Tcp, msg: Uint8Array, why: string): void {
    const started = performance.now();
    this.stats.queries++;
    const req = readRequest(msg);
    if (req.kind === 'drop' || conn.socket.destroyed || conn.socket.writableEnded || conn.socket.writableNeedDrain) {
      this.stats.dropped++;
      return;
    }
    const answer = req.kind === 'reject' ? rejectAnswer(req.reject) : busyAnswer(req.query, why);
    this.stats.limited++;
    this.stats.answered(answer.outcome, false, performance.now() - started);
    this.writeTcp(conn, answer.response(MAX_MESSAGE));
  }

  private writeTcp(conn: Tcp, body: Uint8Array): void {
    const framed = Buffer.alloc(2 + body.length);
    framed.writeUInt16BE(body.length, 0);
    framed.set(body, 2);
    conn.socket.write(framed);
  }

  /** Stops taking queries, waits (at most `timeoutMs`) for those in flight, then closes every socket. */
  async drain(timeoutMs: number): Promise<void> {
    this.draining = true;
    for (const s of this.tcp) s.close();
    if (this.inFlight > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        this.idle = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    await this.close();
  }

  private async close(): Promise<void> {
    this.closed = true;
    for (const c of this.connections) c.socket.end();
    await Promise.all(
      this.udp.map(
        (s) =>
          new Promise<void>((resolve) => {
            try {
              s.close(() => resolve());
            } catch {
              resolve(); // never bound, or closed already
            }
          }),
      ),
    );
    await Promise.all(this.tcp.map((s) => new Promise<void>((resolve) => (s.listening ? s.close(() => resolve()) : resolve()))));
    for (const c of this.connections) c.socket.destroy();
    this.udp.length = 0;
    this.tcp.length = 0;
  }
}
