/**
 * Small loopback peers for transport tests, placed in front of a real
 * Unbound: an attacker that races spoofed replies against the real one, a
 * TCP relay that reorders and fragments answers, a server that never
 * answers, and a broken upstream that answers SERVFAIL.
 */
import { type RemoteInfo, type Socket as UdpSocket, createSocket } from 'node:dgram';
import { type Server, type Socket, connect, createServer } from 'node:net';
import { encodeMessage, parseMessage } from '../../src/wire/message.js';
import { nameFromText } from '../../src/wire/name.js';
import { FrameReader, frameMessage } from '../../src/resolver/tcp.js';
import type { ServerAddress } from '../../src/resolver/transport.js';

export interface Peer {
  readonly address: ServerAddress;
  close(): Promise<void>;
}

async function bindUdp(): Promise<UdpSocket> {
  const s = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.bind(0, '127.0.0.1', () => resolve());
  });
  return s;
}

function closeUdp(s: UdpSocket): Promise<void> {
  return new Promise((resolve) => {
    try {
      s.close(() => resolve());
    } catch {
      resolve();
    }
  });
}

export interface SeenQuery {
  id: number;
  port: number;
  raw: Uint8Array;
}

/** A UDP server that records queries and never answers. */
export async function startBlackhole(): Promise<Peer & { seen: SeenQuery[] }> {
  const s = await bindUdp();
  const seen: SeenQuery[] = [];
  s.on('message', (msg: Buffer, rinfo: RemoteInfo) => {
    seen.push({ id: msg.length >= 2 ? msg.readUInt16BE(0) : -1, port: rinfo.port, raw: new Uint8Array(msg) });
  });
  const a = s.address();
  return { address: { host: a.address, port: a.port }, seen, close: () => closeUdp(s) };
}

/** A broken upstream: answers every query with SERVFAIL (our ID, our question). */
export async function startServfail(): Promise<Peer & { answered: number }> {
  const s = await bindUdp();
  const peer = { answered: 0 };
  s.on('message', (msg: Buffer, rinfo: RemoteInfo) => {
    const q = parseMessage(new Uint8Array(msg));
    const reply = encodeMessage({ id: q.id, flags: { qr: true, rd: true, ra: true, cd: q.flags.cd }, rcode: 2, question: q.question });
    peer.answered++;
    s.send(reply, rinfo.port, rinfo.address);
  });
  const a = s.address();
  return Object.assign(peer, { address: { host: a.address, port: a.port }, close: () => closeUdp(s) });
}

/**
 * An off-path attacker in front of a real resolver: for each query it
 * forwards to `upstream` and, before relaying the real answer, sends spoofed
 * answers pointing at 6.6.6.6: one with a wrong ID, one for another question,
 * one with QR=0, one that does not parse, and one with everything right but
 * from another source port.
 */
export async function startSpoofingRelay(upstream: ServerAddress): Promise<Peer & { relayed: number }> {
  const front = await bindUdp();
  const other = await bindUdp();
  const peer = { relayed: 0 };
  const evil = new Uint8Array([6, 6, 6, 6]);
  front.on('message', (msg: Buffer, client: RemoteInfo) => {
    const q = parseMessage(new Uint8Array(msg));
    const question = q.question;
    const qname = question[0]!.name;
    const back = createSocket('udp4');
    back.on('error', () => back.close());
    back.on('message', (real: Buffer) => {
      back.close();
      const send = (b: Uint8Array, from: UdpSocket = front): void => {
        from.send(b, client.port, client.address);
      };
      const answerFor = (name: readonly string[]) => [{ name, type: 1, class: 1, ttl: 300, rdata: evil }];
      send(encodeMessage({ id: q.id ^ 0x1234, flags: { qr: true, ra: true }, question, answer: answerFor(qname) }));
      const otherName = nameFromText('evil.test.');
      send(encodeMessage({ id: q.id, flags: { qr: true, ra: true }, question: [{ name: otherName, type: 1, class: 1 }], answer: answerFor(otherName) }));
      send(encodeMessage({ id: q.id, flags: { qr: false }, question, answer: answerFor(qname) }));
      send(new Uint8Array([q.id >> 8, q.id & 0xff, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0, 0xff]));
      send(encodeMessage({ id: q.id, flags: { qr: true, ra: true }, question, answer: answerFor(qname) }), other);
      // Let the spoofed datagrams land first, then relay the real answer.
      setTimeout(() => {
        peer.relayed++;
        send(new Uint8Array(real));
      }, 20);
    });
    back.send(msg, upstream.port, upstream.host);
  });
  const a = front.address();
  return Object.assign(peer, {
    address: { host: a.address, port: a.port },
    close: async () => {
      await closeUdp(front);
      await closeUdp(other);
    },
  });
}

async function listen(server: Server): Promise<ServerAddress> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const a = server.address();
  if (!a || typeof a !== 'object') throw new Error('no address');
  return { host: a.address, port: a.port };
}

function closeServer(server: Server, sockets: Set<Socket>): Promise<void> {
  for (const s of sockets) s.destroy();
  return new Promise((resolve) => server.close(() => resolve()));
}

export interface TcpRelayOptions {
  /** Hold answers until this many are collected, then send them in reverse order. */
  reverseBatch?: number;
  /** Write answers to the client this many octets at a time. */
  chunkSize?: number;
  /** Close the client connection after this many answers. */
  closeAfterAnswers?: number;
  /** Close the client connection as soon as a query arrives, without answering. */
  closeOnQuery?: boolean;
}

/**
 * A TCP relay in front of a real resolver. One upstream connection per
 * client connection; answers can be reordered, fragmented or followed by a
 * close, to exercise RFC 7766 behaviour on our side.
 */
export async function startTcpRelay(
  upstream: ServerAddress,
  opts: TcpRelayOptions = {},
): Promise<Peer & { connections: number; queries: number }> {
  const sockets = new Set<Socket>();
  const peer = { connections: 0, queries: 0 };
  const server = createServer((client) => {
    sockets.add(client);
    peer.connections++;
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    const up = connect(upstream.port, upstream.host);
    sockets.add(up);
    up.on('close', () => sockets.delete(up));
    up.on('error', () => client.destroy());
    client.on('close', () => up.destroy());
    const fromClient = new FrameReader();
    const fromUp = new FrameReader();
    let held: Uint8Array[] = [];
    let answers = 0;
    const write = (framed: Uint8Array): void => {
      const size = opts.chunkSize ?? framed.length;
      for (let o = 0; o < framed.length; o += size) client.write(framed.subarray(o, o + size));
    };
    client.on('data', (chunk: Buffer) => {
      for (const q of fromClient.push(new Uint8Array(chunk))) {
        peer.queries++;
        if (opts.closeOnQuery) {
          client.destroy();
          return;
        }
        up.write(frameMessage(q));
      }
    });
    up.on('data', (chunk: Buffer) => {
      for (const a of fromUp.push(new Uint8Array(chunk))) {
        held.push(a);
        if (opts.reverseBatch && held.length < opts.reverseBatch) continue;
        const out = opts.reverseBatch ? held.reverse() : held;
        held = [];
        for (const m of out) {
          write(frameMessage(m));
          answers++;
          if (opts.closeAfterAnswers !== undefined && answers >= opts.closeAfterAnswers) {
            client.end();
            return;
          }
        }
      }
    });
  });
  const address = await listen(server);
  return Object.assign(peer, { address, close: () => closeServer(server, sockets) });
}

/** A byte-for-byte TCP proxy that counts the client connections still open. */
export async function startTcpProxy(upstream: ServerAddress): Promise<Peer & { open: number; accepted: number }> {
  const sockets = new Set<Socket>();
  const peer = { open: 0, accepted: 0 };
  const server = createServer((client) => {
    peer.open++;
    peer.accepted++;
    sockets.add(client);
    const up = connect(upstream.port, upstream.host);
    sockets.add(up);
    client.pipe(up);
    up.pipe(client);
    client.on('error', () => client.destroy());
    up.on('error', () => up.destroy());
    client.on('close', () => {
      peer.open--;
      sockets.delete(client);
      up.destroy();
    });
    up.on('close', () => {
      sockets.delete(up);
      client.destroy();
    });
  });
  const address = await listen(server);
  return Object.assign(peer, { address, close: () => closeServer(server, sockets) });
}
