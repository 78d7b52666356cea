/**
 * The proxy's bounds on queries in flight (per client and in total), against
 * the DNSSEC lab's Unbound as upstream, with chosen questions held until the
 * test lets them go (proxy-support.ts). Every wait is for an event or a
 * count (an answer arrived, a counter moved), never a time window.
 *
 * Over a bound, UDP queries are dropped (the client retries); TCP queries
 * get SERVFAIL at once with EDE 0 and the reason (src/server/handler.ts
 * busyAnswer: Unbound turns queries over its `ratelimit` away with SERVFAIL;
 * silence on a stream leaves the client waiting for its timeout), and the
 * other queries on the same connection are still answered. Real clients:
 * dig +tcp and kdig +tcp.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NetworkSource, createNetworkSource } from '../../src/resolver/network-source.js';
import { type Message, encodeQuery, parseMessage } from '../../src/wire/message.js';
import { nameFromText } from '../../src/wire/name.js';
import { RRType, Rcode } from '../../src/wire/rrtype.js';
import { type StartedLab, labUnavailableReason, startLab, stopLab } from '../lab/lab.js';
import { HeldSource, UdpClient, startProxy, until } from './proxy-support.js';
import { dig, kdig } from './serve-helper.js';

const unavailable = labUnavailableReason();
let lab: StartedLab;
let network: NetworkSource;

beforeAll(async () => {
  if (unavailable) throw new Error(`this test needs the DNSSEC lab (test/lab): ${unavailable}`);
  lab = await startLab();
  network = createNetworkSource({ servers: [{ host: lab.resolver.address, port: lab.resolver.port }], timeoutMs: 4000 });
}, 120_000);

afterAll(async () => {
  await network?.close();
  if (lab) await stopLab();
});

const query = (name: string, id: number, opts: { cd?: boolean } = {}): Uint8Array => encodeQuery(nameFromText(name), RRType.A, { id, cd: opts.cd ?? false });

describe('UDP: over a bound, queries are dropped (the client retries)', () => {
  it('over the per-client bound, further UDP queries are dropped until answers go out', async () => {
    const source = new HeldSource(network, new Set(['www.alg8.lab.']));
    const { server, port } = await startProxy(lab.anchors.ds, source, { maxInFlightPerClient: 2 });
    const client = await UdpClient.open();
    try {
      client.send(port, ...[1, 2, 3, 4, 5].map((id) => query('www.alg8.lab.', id)));
      await until(() => server.stats.dropped === 3);
      source.release();
      const answers = await client.answers(2);
      expect(answers.map((m) => m.id).sort()).toEqual([1, 2]);
      expect(answers.every((m) => m.flags.ad)).toBe(true);
      // Slots are free again: a new query is answered.
      client.send(port, query('www.alg8.lab.', 9));
      expect((await client.answers(3)).map((m) => m.id).slice(2)).toEqual([9]);
      await server.drain(5000);
      // Nothing more came for the dropped queries (3, 4, 5): the server is closed and every datagram read.
      expect((await client.flush()).map((m) => m.id).sort()).toEqual([1, 2, 9]);
      expect(server.stats.snapshot()).toMatchObject({ queries: 3, dropped: 3, limited: 0 });
    } finally {
      client.close();
    }
  });

  it('the total bound applies across clients', async () => {
    const source = new HeldSource(network, new Set(['www.alg10.lab.']));
    const { server, port } = await startProxy(lab.anchors.ds, source, { maxInFlight: 1 });
    const [a, b] = [await UdpClient.open(), await UdpClient.open()];
    try {
      a.send(port, query('www.alg10.lab.', 1));
      await until(() => source.holding >= 1);
      b.send(port, query('www.alg10.lab.', 2));
      await until(() => server.stats.dropped === 1);
      source.release();
      expect((await a.answers(1)).map((m) => m.id)).toEqual([1]);
      await server.drain(5000);
      expect(await b.flush()).toEqual([]);
    } finally {
      a.close();
      b.close();
    }
  });
});

describe('TCP: over a bound, SERVFAIL at once (not silence until the client times out)', () => {
  it('dig +tcp and kdig +tcp over the per-client bound: SERVFAIL with EDE 0 and the reason; the held query is answered afterwards', async () => {
    const source = new HeldSource(network, new Set(['www.alg13.lab.']));
    const { server, port } = await startProxy(lab.anchors.ds, source, { maxInFlightPerClient: 1 });
    const s = { host: '127.0.0.1', port };
    const first = dig(s, 'www.alg13.lab.', 'A', ['+tcp', '+dnssec']);
    await until(() => source.holding >= 1);
    const busy = await dig(s, 'www.lab.', 'A', ['+tcp', '+dnssec']);
    expect(busy.status).toBe('SERVFAIL');
    expect(busy.flags).not.toContain('ad');
    expect(busy.ede).toEqual([0]);
    expect(busy.edeText).toMatch(/over the limit of 1 queries in flight for one client/);
    const busyK = await kdig(s, 'www.lab.', 'A', ['+tcp', '+dnssec']);
    expect(busyK.status).toBe('SERVFAIL');
    expect(busyK.ede).toEqual([0]);
    source.release();
    const held = await first;
    expect(held.status).toBe('NOERROR');
    expect(held.flags).toContain('ad');
    expect(server.stats.snapshot()).toMatchObject({ limited: 2, dropped: 0 });
    expect(server.stats.snapshot().outcomes.servfail).toBe(2);
    await server.drain(5000);
  });

  it('pipelined on one connection: the query over the total bound gets SERVFAIL, the connection stays open and the held one is answered', async () => {
    const source = new HeldSource(network, new Set(['www.alg14.lab.']));
    const { server, port } = await startProxy(lab.anchors.ds, source, { maxInFlight: 1 });
    const got: Message[] = [];
    const sock = connect(port, '127.0.0.1');
    let buf = Buffer.alloc(0);
    let closed = false;
    sock.on('close', () => (closed = true));
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        got.push(parseMessage(buf.subarray(2, 2 + buf.readUInt16BE(0))));
        buf = buf.subarray(2 + buf.readUInt16BE(0));
      }
    });
    const frame = (b: Uint8Array): Buffer => Buffer.concat([Buffer.from([b.length >> 8, b.length & 0xff]), Buffer.from(b)]);
    try {
      sock.write(frame(query('www.alg14.lab.', 101)));
      await until(() => source.holding >= 1);
      sock.write(frame(query('www.lab.', 202)));
      await until(() => got.length === 1);
      expect(got[0]).toMatchObject({ id: 202, rcode: Rcode.SERVFAIL });
      expect(closed).toBe(false);
      source.release();
      await until(() => got.length === 2);
      expect(got[1]).toMatchObject({ id: 101, rcode: Rcode.NOERROR });
      expect(got[1]!.flags.ad).toBe(true);
    } finally {
      sock.destroy();
      await server.drain(5000);
    }
  });
});
