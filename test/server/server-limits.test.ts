/**
 * The proxy's bounds on queries in flight (per client and in total), against
 * the DNSSEC lab's Unbound as upstream, with chosen questions held until the
 * test lets them go (proxy-support.ts). Every wait is for an event or a
 * count (an answer arrived, a counter moved), never a time window.
 *
 * Over a bound, UDP queries are dropped (the client retries).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NetworkSource, createNetworkSource } from '../../src/resolver/network-source.js';
import { encodeQuery } from '../../src/wire/message.js';
import { nameFromText } from '../../src/wire/name.js';
import { RRType } from '../../src/wire/rrtype.js';
import { type StartedLab, labUnavailableReason, startLab, stopLab } from '../lab/lab.js';
import { HeldSource, UdpClient, startProxy, until } from './proxy-support.js';

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
      expect(server.stats.snapshot()).toMatchObject({ queries: 3, dropped: 3 });
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
