/**
 * A fault injector between real parts: a UDP + TCP proxy on loopback in
 * front of a real DNS server that drops datagrams at random (each direction
 * on its own), from a seeded generator so a failing run can be replayed,
 * and optionally strips the DNSSEC records (RRSIG, NSEC, NSEC3, DS) from the
 * UDP answers, as a DNSSEC-unaware middlebox would.
 * TCP is relayed as is (a reliable stream: loss on it is the kernel's
 * business, not ours), unless `tcp: false`, where nothing listens on TCP.
 *
 *   const proxy = await startFaultProxy({ upstream: { host: '127.87.0.53', port: 53 }, loss: 0.3, seed: 1 });
 *   ... proxy.address, proxy.counts ...
 *   await proxy.close();
 */
import { type RemoteInfo, type Socket as UdpSocket, createSocket } from 'node:dgram';
import { type Server, type Socket, connect, createServer } from 'node:net';
import type { ServerAddress } from '../../src/resolver/transport.js';
import { encodeMessage, parseMessage } from '../../src/wire/message.js';
import { RRType } from '../../src/wire/rrtype.js';
import { Prng } from './prng.js';

export interface FaultProxyOptions {
  upstream: ServerAddress;
  /** Probability that a datagram (query or answer, each on its own) is dropped, 0..1. */
  loss: number;
  /** Seed of the drop decisions. */
  seed?: number;
  /** Listen address (default 127.0.0.1) and port (default: one the kernel picks, UDP and TCP the same). */
  host?: string;
  port?: number;
  /** Relay TCP too (default true). */
  tcp?: boolean;
  /** Remove RRSIG, NSEC, NSEC3 and DS records from every UDP answer. */
  strip?: boolean;
}

const STRIPPED: ReadonlySet<number> = new Set([RRType.RRSIG, RRType.NSEC, RRType.NSEC3, RRType.DS]);

function stripDnssec(raw: Uint8Array): Uint8Array {
  let m;
  try {
    m = parseMessage(raw);
  } catch {
    return raw;
  }
  const keep = <T extends { type: number }>(rrs: readonly T[]): T[] => rrs.filter((rr) => !STRIPPED.has(rr.type));
  return encodeMessage({
    id: m.id,
    flags: m.flags,
    rcode: m.rcode,
    question: m.question,
    answer: keep(m.answer),
    authority: keep(m.authority),
    additional: keep(m.additional),
    ...(m.edns ? { edns: m.edns } : {}),
  });
}

export interface FaultProxy {
  readonly address: ServerAddress;
  readonly counts: { udpIn: number; udpDroppedIn: number; udpOut: number; udpDroppedOut: number; tcpConnections: number };
  close(): Promise<void>;
}

/** Upstream sockets per client address; bounded so a long run cannot grow without end. */
const MAX_CLIENTS = 512;

export async function startFaultProxy(opts: FaultProxyOptions): Promise<FaultProxy> {
  const rng = new Prng(opts.seed ?? 1);
  const random = (): number => rng.next();
  const host = opts.host ?? '127.0.0.1';
  const counts = { udpIn: 0, udpDroppedIn: 0, udpOut: 0, udpDroppedOut: 0, tcpConnections: 0 };
  const front = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    front.once('error', reject);
    front.bind(opts.port ?? 0, host, () => resolve());
  });
  const port = front.address().port;
  const clients = new Map<string, UdpSocket>();
  front.on('message', (msg: Buffer, rinfo: RemoteInfo) => {
    counts.udpIn++;
    if (random() < opts.loss) {
      counts.udpDroppedIn++;
      return;
    }
    const key = `${rinfo.address}:${rinfo.port}`;
    let back = clients.get(key);
    if (!back) {
      if (clients.size >= MAX_CLIENTS) {
        const [oldKey, old] = clients.entries().next().value as [string, UdpSocket];
        clients.delete(oldKey);
        old.close();
      }
      back = createSocket('udp4');
      back.on('error', () => undefined);
      back.on('message', (answer: Buffer) => {
        counts.udpOut++;
        if (random() < opts.loss) {
          counts.udpDroppedOut++;
          return;
        }
        front.send(opts.strip ? stripDnssec(new Uint8Array(answer)) : answer, rinfo.port, rinfo.address);
      });
      clients.set(key, back);
    }
    back.send(msg, opts.upstream.port, opts.upstream.host);
  });

  let server: Server | undefined;
  const sockets = new Set<Socket>();
  if (opts.tcp !== false) {
    server = createServer((client) => {
      counts.tcpConnections++;
      const up = connect({ host: opts.upstream.host, port: opts.upstream.port });
      sockets.add(client);
      sockets.add(up);
      const end = (): void => {
        client.destroy();
        up.destroy();
        sockets.delete(client);
        sockets.delete(up);
      };
      client.on('error', end);
      up.on('error', end);
      client.on('close', end);
      up.on('close', end);
      client.pipe(up);
      up.pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server!.once('error', reject);
      server!.listen(port, host, () => resolve());
    });
  }

  return {
    address: { host, port },
    counts,
    async close() {
      for (const s of sockets) s.destroy();
      for (const c of clients.values()) c.close();
      clients.clear();
      await new Promise<void>((resolve) => front.close(() => resolve()));
      if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
    },
  };
}
