/**
 * The upstream heals (issue 12 item 3): per-server RTT and failure memory
 * like Unbound's infrastructure cache, retries on the RTO with back-off,
 * TCP after repeated UDP loss, failover, and a deadline. Against a real
 * Unbound on loopback, with dead servers and a loss proxy in front of it.
 * Assertions are on which server got which try, never on timings.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerAddress } from '../../src/resolver/transport.js';
import { TransportError } from '../../src/resolver/transport.js';
import type { TryEvent } from '../../src/resolver/tries.js';
import { MAX_TRIES_WITHIN_DEADLINE, createUpstream } from '../../src/resolver/upstream.js';
import { nameFromText } from '../../src/wire/name.js';
import { RRType } from '../../src/wire/rrtype.js';
import { startFaultProxy } from '../support/fault-proxy.js';
import { startBlackhole } from './net-helpers.js';
import { type UnboundFixture, startUnbound } from './unbound-fixture.js';

let ub: UnboundFixture;
const LOOKUPS = 10;

beforeAll(async () => {
  ub = await startUnbound({
    localData: Array.from({ length: 40 }, (_, i) => `n${i}.test. 300 IN A 192.0.2.${i + 10}`),
  });
});

afterAll(async () => {
  await ub?.stop();
});

function q(i: number): { name: ReturnType<typeof nameFromText>; type: number } {
  return { name: nameFromText(`n${i}.test.`), type: RRType.A };
}

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Address in the lab's /16 where nothing listens: the kernel refuses UDP at once (ICMP port unreachable). */
const NOTHING_THERE: ServerAddress = { host: `${process.env['DNSSEC_LAB_NET'] ?? '127.87'}.254.254`, port: 53 };

describe('a dead first server (RFC 1536 §1, Unbound infra cache)', () => {
  it.each([
    ['a UDP socket that never answers', 'blackhole'],
    ['an address where nothing listens', 'refused'],
  ] as const)('%s is tried by the first lookup only: the tenth goes straight to the live server', async (_what, kind) => {
    const hole = kind === 'blackhole' ? await startBlackhole() : undefined;
    const dead = hole ? hole.address : NOTHING_THERE;
    const events: TryEvent[] = [];
    let now = 1_000_000;
    const up = createUpstream({ servers: [dead, ub.server], timeoutMs: 1500, attempts: 2, clock: () => now, onTry: (e) => events.push(e) });
    try {
      const first = await up.query(q(0));
      expect(first.exchange.server).toBe(`127.0.0.1:${ub.server.port}`);
      // The first lookup asked the dead server first (configured order), then failed over.
      expect(events.filter((e) => e.phase === 'sent').map((e) => e.index)).toEqual([0, 1]);
      // The dead server's try ends (hard timeout or refusal): it is backed off from now on.
      await until(() => events.some((e) => e.index === 0 && e.phase === 'failed'), 'the dead try to end');
      const perLookup: TryEvent[][] = [];
      for (let i = 1; i < LOOKUPS; i++) {
        const mine: TryEvent[] = [];
        const mark = events.length;
        const r = await up.query(q(i));
        mine.push(...events.slice(mark));
        perLookup.push(mine);
        expect(r.exchange.server).toBe(`127.0.0.1:${ub.server.port}`);
      }
      for (const mine of perLookup) {
        const sent = mine.filter((e) => e.phase === 'sent');
        expect(sent[0]).toMatchObject({ index: 1, probe: false });
        expect(sent.some((e) => e.index === 0)).toBe(false);
      }
      const tenth = perLookup[LOOKUPS - 2]!.filter((e) => e.phase === 'sent');
      expect(tenth).toHaveLength(1);
      expect(events.filter((e) => e.index === 0 && e.phase === 'sent')).toHaveLength(1);
      const health = up.health();
      expect(health[0]).toMatchObject({ failures: 1, backedOff: true });
      expect(health[1]).toMatchObject({ failures: 0, backedOff: false });

      // After the back-off the dead server gets a probe: a copy beside the real try, never waited for.
      now += 60_001;
      const mark = events.length;
      const r = await up.query(q(LOOKUPS));
      expect(r.exchange.server).toBe(`127.0.0.1:${ub.server.port}`);
      const sent = events.slice(mark).filter((e) => e.phase === 'sent');
      expect(sent.map((e) => [e.index, e.probe])).toEqual([
        [1, false],
        [0, true],
      ]);
    } finally {
      await up.close();
      await hole?.close();
    }
  });

  it('prefers the server that answers faster once both have answered (RTT memory)', async () => {
    const slow = await startFaultProxy({ upstream: ub.server, loss: 0 });
    const events: TryEvent[] = [];
    const up = createUpstream({ servers: [slow.address, ub.server], timeoutMs: 3000, attempts: 1, onTry: (e) => events.push(e) });
    try {
      await up.query(q(20));
      const h = up.health();
      // Only the first server was asked; the second has no RTT yet and keeps the unknown RTO (376 ms).
      expect(h[0]!.srttMs).toBeDefined();
      expect(h[1]!.srttMs).toBeUndefined();
      expect(h[0]!.rtoMs).toBeLessThan(h[1]!.rtoMs);
      await up.query(q(21));
      expect(events.filter((e) => e.phase === 'sent').map((e) => e.index)).toEqual([0, 0]);
    } finally {
      await up.close();
      await slow.close();
    }
  });
});

describe('retries', () => {
  it('switches to TCP after two unanswered UDP tries to a server (UDP dropped, TCP relayed)', async () => {
    const proxy = await startFaultProxy({ upstream: ub.server, loss: 1 });
    const events: TryEvent[] = [];
    const up = createUpstream({ servers: [proxy.address], timeoutMs: 2000, attempts: 2, onTry: (e) => events.push(e) });
    try {
      const r = await up.query(q(1), undefined, { deadlineMs: 10_000 });
      expect(r.exchange.transport).toBe('tcp');
      const sent = events.filter((e) => e.phase === 'sent').map((e) => e.protocol);
      expect(sent).toEqual(['udp', 'udp', 'tcp']);
      expect(proxy.counts.udpDroppedIn).toBe(2);
      expect(proxy.counts.tcpConnections).toBe(1);
    } finally {
      await up.close();
      await proxy.close();
    }
  });

  it('keeps trying within a deadline, beyond resolv.conf attempts, and stops at a bounded number of tries', async () => {
    const hole = await startBlackhole();
    const events: TryEvent[] = [];
    const up = createUpstream({ servers: [hole.address], protocol: 'tcp', timeoutMs: 200, attempts: 1, onTry: (e) => events.push(e) });
    const udp = createUpstream({ servers: [hole.address], timeoutMs: 200, attempts: 1, onTry: (e) => events.push(e) });
    try {
      // TCP to a UDP-only port: refused at once, every try; the deadline's budget of tries bounds the loop.
      const err = await up.query(q(2), undefined, { deadlineMs: 60_000 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TransportError);
      expect(events.filter((e) => e.phase === 'sent')).toHaveLength(MAX_TRIES_WITHIN_DEADLINE);
      events.length = 0;
      // UDP that is never answered: more tries than attempts (1), until the deadline ends the query.
      const err2 = await udp.query(q(3), undefined, { deadlineMs: 1200 }).catch((e: unknown) => e);
      expect(err2).toBeInstanceOf(TransportError);
      expect((err2 as TransportError).kind).toMatch(/timeout|network/);
      expect(hole.seen.length).toBeGreaterThanOrEqual(2);
      expect(events.filter((e) => e.phase === 'sent').length).toBeLessThanOrEqual(MAX_TRIES_WITHIN_DEADLINE);
    } finally {
      await up.close();
      await udp.close();
      await hole.close();
    }
  });

  it('rides out 30% loss each way: 40 distinct queries all answered within a deadline', async () => {
    const proxy = await startFaultProxy({ upstream: ub.server, loss: 0.3, seed: 42, tcp: false });
    const up = createUpstream({ servers: [proxy.address], timeoutMs: 5000, attempts: 2 });
    try {
      const results = await Promise.all(Array.from({ length: 40 }, (_, i) => up.query(q(i), undefined, { deadlineMs: 10_000 })));
      expect(results.map((r) => r.message.answer.length)).toEqual(Array(40).fill(1));
      // Loss was real: some queries or answers were dropped and retried.
      expect(proxy.counts.udpDroppedIn + proxy.counts.udpDroppedOut).toBeGreaterThan(0);
    } finally {
      await up.close();
      await proxy.close();
    }
  });
});
