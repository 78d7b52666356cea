/**
 * The network response source against a real Unbound on loopback
 * (test/resolver/unbound-fixture.ts): answers over UDP, TCP and DoT, the
 * cache, identical questions sent once, capture then replay, and failures
 * as one-line UpstreamErrors (bad options: ConfigError).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { CaptureRecorder, FixtureSource } from '../../src/fixtures/fixture.js';
import { createNetworkSource } from '../../src/resolver/network-source.js';
import type { Transport, TransportResult, UpstreamQuery } from '../../src/resolver/transport.js';
import { UpstreamError } from '../../src/validator/result.js';
import { encodeMessage, parseMessage } from '../../src/wire/message.js';
import { nameFromText } from '../../src/wire/name.js';
import { rdataToText } from '../../src/wire/presentation.js';
import { RRType, Rcode } from '../../src/wire/rrtype.js';
import { type UnboundFixture, freePort, startUnbound } from './unbound-fixture.js';

let ub: UnboundFixture;

beforeAll(async () => {
  ub = await startUnbound({
    tls: true,
    localZones: ['test. static', 'refused.test. refuse'],
    localData: ['www.test. 300 IN A 192.0.2.1', 'www.test. 300 IN AAAA 2001:db8::1', 'short.test. 2 IN A 192.0.2.2', 'test. 300 IN SOA ns.test. host.test. 1 7200 3600 1209600 60'],
  });
});

afterAll(async () => {
  await ub?.stop();
});

const www = nameFromText('www.test.');

function addresses(rrs: readonly { type: number; rdata: Uint8Array }[]): string[] {
  return rrs.map((r) => rdataToText(r.type, r.rdata));
}

describe('createNetworkSource against a real Unbound', () => {
  it.each(['udp', 'tcp', 'tls'] as const)('answers over %s', async (protocol) => {
    const server = protocol === 'tls' ? ub.tlsServer! : ub.server;
    const tls = protocol === 'tls' ? { caFile: ub.caFile, tlsServerName: ub.tlsServerName } : {};
    const source = createNetworkSource({ servers: [server], protocol, timeoutMs: 3000, attempts: 1, ...tls });
    try {
      const m = await source.query(www, RRType.A);
      expect(m.rcode).toBe(Rcode.NOERROR);
      expect(addresses(m.answer)).toEqual(['192.0.2.1']);
      // The query asked for DNSSEC data without validation upstream (RFC 4035 §3.2.2): Unbound echoes CD.
      expect(m.flags.cd).toBe(true);
    } finally {
      await source.close();
    }
  });

  it('answers a repeated question from the cache without sending it again', async () => {
    const source = createNetworkSource({ servers: [ub.server], timeoutMs: 3000, attempts: 1 });
    try {
      const first = await source.query(www, RRType.AAAA);
      const sent = source.stats()!.queriesSent;
      const second = await source.query(nameFromText('WWW.TEST.'), RRType.AAAA);
      expect(second).toBe(first);
      expect(source.stats()!.queriesSent).toBe(sent);
      expect(source.cache?.stats().hits).toBe(1);
    } finally {
      await source.close();
    }
  });

  it('asks again once the TTL has passed (clock injected into the cache)', async () => {
    let now = 1_000;
    const source = createNetworkSource({ servers: [ub.server], timeoutMs: 3000, attempts: 1, clock: () => now });
    try {
      await source.query(nameFromText('short.test.'), RRType.A);
      const sent = source.stats()!.queriesSent;
      now += 1;
      await source.query(nameFromText('short.test.'), RRType.A);
      expect(source.stats()!.queriesSent).toBe(sent);
      now += 5;
      await source.query(nameFromText('short.test.'), RRType.A);
      expect(source.stats()!.queriesSent).toBe(sent + 1);
    } finally {
      await source.close();
    }
  });

  it('caches an NXDOMAIN with its SOA (RFC 2308 §5)', async () => {
    const source = createNetworkSource({ servers: [ub.server], timeoutMs: 3000, attempts: 1 });
    try {
      const m = await source.query(nameFromText('nope.test.'), RRType.A);
      expect(m.rcode).toBe(Rcode.NXDOMAIN);
      expect(source.cache?.size).toBe(1);
    } finally {
      await source.close();
    }
  });

  it('records every exchange for a fixture, and the replay returns the same responses', async () => {
    const capture = new CaptureRecorder();
    const source = createNetworkSource({ servers: [ub.server], timeoutMs: 3000, attempts: 1, capture });
    let live;
    try {
      live = await Promise.all([source.query(www, RRType.A), source.query(www, RRType.AAAA), source.query(nameFromText('nope.test.'), RRType.A)]);
      await source.query(www, RRType.A); // a cache hit is recorded once only
    } finally {
      await source.close();
    }
    expect(capture.exchanges.map((x) => `${x.name.join('.')} ${x.type}`).sort()).toEqual(['nope.test 1', 'www.test 1', 'www.test 28']);
    const fixture = capture.toFixture({ time: 1_700_000_000, anchors: [] });
    const replay = new FixtureSource(fixture);
    const again = await Promise.all([replay.query(www, RRType.A), replay.query(www, RRType.AAAA), replay.query(nameFromText('nope.test.'), RRType.A)]);
    expect(again.map((m) => [m.rcode, addresses(m.answer)])).toEqual(live.map((m) => [m.rcode, addresses(m.answer)]));
  });

  it('rejects with a one-line UpstreamError on REFUSED, and records the refusal in the capture', async () => {
    const capture = new CaptureRecorder();
    const source = createNetworkSource({ servers: [ub.server], timeoutMs: 3000, attempts: 1, capture });
    try {
      const err = await source.query(nameFromText('x.refused.test.'), RRType.A).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(UpstreamError);
      expect((err as Error).message).toMatch(/REFUSED to x\.refused\.test\. A/);
      expect((err as Error).message).not.toContain('\n');
      expect(capture.exchanges).toHaveLength(1);
      expect(source.cache?.size).toBe(0);
    } finally {
      await source.close();
    }
  });

  it('rejects with an UpstreamError naming the server when nothing answers', async () => {
    const port = await freePort();
    const source = createNetworkSource({ servers: [{ host: '127.0.0.1', port }], protocol: 'tcp', timeoutMs: 1000, attempts: 1 });
    try {
      const err = await source.query(www, RRType.A).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(UpstreamError);
      expect((err as Error).message).toContain(`127.0.0.1:${port}`);
      expect((err as Error).message).not.toContain('\n');
    } finally {
      await source.close();
    }
  });

  it('turns bad options into a ConfigError (not an UpstreamError) at construction, and refuses queries once closed', async () => {
    const bad = (): unknown => createNetworkSource({ servers: [{ host: 'resolver.example', port: 53 }], timeoutMs: 1000, attempts: 1 });
    expect(bad).toThrow(ConfigError);
    expect(bad).not.toThrow(UpstreamError);
    const source = createNetworkSource({ servers: [ub.server], timeoutMs: 1000, attempts: 1 });
    await source.close();
    await expect(source.query(www, RRType.A)).rejects.toBeInstanceOf(UpstreamError);
  });
});

describe('identical questions in flight', () => {
  /** A transport that answers after the test releases it, counting the queries it was given. */
  function gatedTransport(): { transport: Transport; calls: UpstreamQuery[]; release(): void } {
    const calls: UpstreamQuery[] = [];
    const waiting: (() => void)[] = [];
    const transport: Transport = {
      query(q) {
        calls.push(q);
        const raw = encodeMessage({
          id: 7,
          flags: { qr: true, rd: true, ra: true, cd: true },
          question: [{ name: q.name, type: q.type, class: 1 }],
          answer: [{ name: q.name, type: RRType.A, class: 1, ttl: 300, rdata: new Uint8Array([192, 0, 2, 9]) }],
        });
        const result: TransportResult = { message: parseMessage(raw), raw, exchange: { query: new Uint8Array(), response: raw, server: 'fake', transport: 'udp' } };
        return new Promise((resolve) => waiting.push(() => resolve(result)));
      },
      async close() {},
    };
    return { transport, calls, release: () => waiting.splice(0).forEach((f) => f()) };
  }

  it('are sent once and share the answer (names compared case-insensitively)', async () => {
    const gate = gatedTransport();
    const source = createNetworkSource({ servers: [], transport: gate.transport, cache: false });
    const a = source.query(www, RRType.A);
    const b = source.query(nameFromText('Www.Test.'), RRType.A);
    const c = source.query(www, RRType.AAAA);
    expect(gate.calls).toHaveLength(2);
    gate.release();
    const [ma, mb] = await Promise.all([a, b, c]);
    expect(mb).toBe(ma);
    // Once settled, the same question goes out again (no cache here).
    const d = source.query(www, RRType.A);
    expect(gate.calls).toHaveLength(3);
    gate.release();
    await d;
  });
});
