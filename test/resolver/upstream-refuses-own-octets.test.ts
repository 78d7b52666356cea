/**
 * Upstream joins identical queries in flight by name and type. A query with
 * its own octets (`UpstreamQuery.encode`: the doctor's probes with other
 * DO/CD/EDNS flags) would be joined with a plain query of the same name and
 * type, and one of them would get an answer to flags it did not ask for. So
 * Upstream refuses it: at compile time (its parameter is `UpstreamQuestion`)
 * and at run time (TransportError 'config', nothing sent). A single transport
 * still takes it. Against a real Unbound on loopback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeQuery } from '../../src/wire/message.js';
import { TransportError } from '../../src/resolver/transport.js';
import type { Transport, UpstreamQuery } from '../../src/resolver/transport.js';
import type { TryEvent } from '../../src/resolver/tries.js';
import { UdpTransport } from '../../src/resolver/udp.js';
import { createUpstream } from '../../src/resolver/upstream.js';
import { nameFromText } from '../../src/wire/name.js';
import { RRType } from '../../src/wire/rrtype.js';
import { type UnboundFixture, startUnbound } from './unbound-fixture.js';

let ub: UnboundFixture;

beforeAll(async () => {
  ub = await startUnbound({ localData: ['own.test. 300 IN A 192.0.2.7'] });
});

afterAll(async () => {
  await ub?.stop();
});

const name = nameFromText('own.test.');

describe('Upstream and UpstreamQuery.encode', () => {
  it('rejects a query with its own octets with a config error and sends nothing, while the plain query of the same name and type is answered', async () => {
    const events: TryEvent[] = [];
    const up = createUpstream({ servers: [ub.server], timeoutMs: 2000, attempts: 1, onTry: (e) => events.push(e) });
    try {
      const own: UpstreamQuery = { name, type: RRType.A, encode: (id) => encodeQuery(name, RRType.A, { id, cd: false, dnssecOk: false }) };
      // Through the Transport interface the compiler cannot see it: the run-time guard holds.
      const asTransport: Transport = up;
      const plain = up.query({ name, type: RRType.A });
      const refused = asTransport.query(own);
      await expect(refused).rejects.toBeInstanceOf(TransportError);
      await expect(refused).rejects.toMatchObject({ kind: 'config', message: expect.stringMatching(/own octets \(encode\)/) });
      const answered = await plain;
      expect(answered.message.answer.length).toBe(1);
      // Only the plain query went out.
      expect(events.filter((e) => e.phase === 'sent').map((e) => e.query)).toEqual(['own.test. A']);
      expect(up.stats().queriesSent).toBe(1);
    } finally {
      await up.close();
    }
  });

  it('does not type-check a query with encode passed to Upstream directly', async () => {
    const up = createUpstream({ servers: [ub.server], timeoutMs: 2000, attempts: 1 });
    try {
      // @ts-expect-error Upstream.query takes an UpstreamQuestion: encode is not allowed
      const p = up.query({ name, type: RRType.A, encode: (id: number) => encodeQuery(name, RRType.A, { id }) });
      await expect(p).rejects.toMatchObject({ kind: 'config' });
    } finally {
      await up.close();
    }
  });

  it('a single transport still sends the query with its own octets (CD=0, DO=0) and checks the answer', async () => {
    const t = new UdpTransport({ server: ub.server, timeoutMs: 2000 });
    try {
      const r = await t.query({ name, type: RRType.A, encode: (id) => encodeQuery(name, RRType.A, { id, cd: false, dnssecOk: false }) });
      expect(r.message.answer.length).toBe(1);
      // Our octets went out: CD clear (dnssec-stub's own queries set it).
      expect((r.exchange.query[3] ?? 0) & 0x10).toBe(0);
    } finally {
      await t.close();
    }
  });
});
