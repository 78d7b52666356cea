/**
 * The transports against a real Unbound on loopback (see unbound-fixture.ts),
 * with small attacker/relay peers in front of it (net-helpers.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpsTransport } from '../../src/resolver/https.js';
import { TcpTransport } from '../../src/resolver/tcp.js';
import { TlsTransport } from '../../src/resolver/tls.js';
import { type TransportResult, TransportError } from '../../src/resolver/transport.js';
import { UdpTransport } from '../../src/resolver/udp.js';
import { createUpstream } from '../../src/resolver/upstream.js';
import { parseMessage } from '../../src/wire/message.js';
import { nameEquals, nameFromText } from '../../src/wire/name.js';
import { RRType } from '../../src/wire/rrtype.js';
import { startBlackhole, startServfail, startSpoofingRelay, startTcpProxy, startTcpRelay } from './net-helpers.js';
import { type UnboundFixture, freePort, startUnbound } from './unbound-fixture.js';

const PIPELINE = 40;
/** Eight 200-octet TXT strings: about 1.7 kB, more than the 1232-octet EDNS payload. */
const BIG_TXT = Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(97 + i)}${'x'.repeat(199)}`);

let ub: UnboundFixture;

beforeAll(async () => {
  ub = await startUnbound({
    tls: true,
    https: true,
    localData: [
      'a.test. 300 IN A 192.0.2.1',
      'a.test. 300 IN AAAA 2001:db8::1',
      ...BIG_TXT.map((s) => `big.test. 300 IN TXT "${s}"`),
      ...Array.from({ length: PIPELINE }, (_, i) => `n${i}.test. 300 IN A 192.0.2.${i + 10}`),
    ],
  });
});

afterAll(async () => {
  await ub?.stop();
});

const A_TEST = { name: nameFromText('a.test.'), type: RRType.A };

function addresses(r: TransportResult): string[] {
  return r.message.answer.filter((rr) => rr.type === RRType.A).map((rr) => [...rr.rdata].join('.'));
}

function txtStrings(r: TransportResult): string[] {
  const out: string[] = [];
  for (const rr of r.message.answer) {
    if (rr.type !== RRType.TXT) continue;
    let o = 0;
    while (o < rr.rdata.length) {
      const len = rr.rdata[o]!;
      out.push(String.fromCharCode(...rr.rdata.subarray(o + 1, o + 1 + len)));
      o += 1 + len;
    }
  }
  return out.sort();
}

async function rejection(p: Promise<unknown>): Promise<TransportError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof TransportError) return e;
    throw e;
  }
  throw new Error('expected a TransportError, got an answer');
}

describe('UDP', () => {
  it('queries with EDNS(0) 1232, DO=1, CD=1, RD=1 and accepts the matching answer', async () => {
    const t = new UdpTransport({ server: ub.server, timeoutMs: 2000 });
    try {
      const r = await t.query(A_TEST);
      expect(addresses(r)).toEqual(['192.0.2.1']);
      expect(r.exchange.transport).toBe('udp');
      expect(r.exchange.server).toBe(`127.0.0.1:${ub.server.port}`);
      expect(r.exchange.response).toBe(r.raw);
      const q = parseMessage(r.exchange.query);
      expect(q.flags.rd && q.flags.cd).toBe(true);
      expect(q.edns).toMatchObject({ udpPayloadSize: 1232, dnssecOk: true, version: 0 });
      expect(q.id).toBe(r.message.id);
    } finally {
      await t.close();
    }
  });

  it('falls back to TCP when the answer is truncated (TC=1)', async () => {
    const t = new UdpTransport({ server: ub.server, timeoutMs: 2000 });
    try {
      const r = await t.query({ name: nameFromText('big.test.'), type: RRType.TXT });
      expect(r.exchange.transport).toBe('tcp');
      expect(r.message.flags.tc).toBe(false);
      expect(r.raw.length).toBeGreaterThan(1232);
      expect(txtStrings(r)).toEqual([...BIG_TXT].sort());
      expect(t.stats().truncated).toBe(1);
    } finally {
      await t.close();
    }
  });

  it('ignores spoofed replies (wrong ID, wrong question, QR=0, malformed, wrong port) and takes the real one', async () => {
    const relay = await startSpoofingRelay(ub.server);
    const t = new UdpTransport({ server: relay.address, timeoutMs: 3000 });
    try {
      const r = await t.query(A_TEST);
      expect(addresses(r)).toEqual(['192.0.2.1']);
      expect(relay.relayed).toBe(1);
      const s = t.stats();
      // The wrong-port datagram is dropped by the kernel (connected socket), or by our check.
      expect(s.mismatchedResponses).toBeGreaterThanOrEqual(3);
      expect(s.malformedResponses).toBe(1);
    } finally {
      await t.close();
      await relay.close();
    }
  });

  it('times out against a server that never answers, with a fresh ID and source port per try', async () => {
    const hole = await startBlackhole();
    // Two tries: a third would go over TCP (tries.ts, after two UDP losses).
    const up = createUpstream({ servers: [hole.address], protocol: 'udp', timeoutMs: 150, attempts: 2 });
    try {
      const err = await rejection(up.query(A_TEST));
      expect(err.kind).toBe('timeout');
      expect(err.message).toMatch(/no acceptable answer within 150 ms/);
      expect(hole.seen).toHaveLength(2);
      // Two equal random 16-bit IDs (or ports) would be a 1 in 2^16 event.
      expect(new Set(hole.seen.map((s) => s.id)).size).toBe(2);
      expect(new Set(hole.seen.map((s) => s.port)).size).toBe(2);
      expect(up.stats().timeouts).toBe(2);
    } finally {
      await up.close();
      await hole.close();
    }
  });
});

describe('errors', () => {
  it('reports a UDP address the kernel refuses as a network error', async () => {
    const t = new UdpTransport({ server: { host: 'fe80::1%no-such-interface', port: 53 }, timeoutMs: 5000 });
    const err = await rejection(t.query(A_TEST));
    expect(err.kind).toBe('network');
    await t.close();
  });

  it('reports a refused TCP connection as a network error without waiting for the timeout', async () => {
    const port = await freePort();
    const t = new TcpTransport({ server: { host: '127.0.0.1', port }, timeoutMs: 60_000 });
    const err = await rejection(t.query(A_TEST));
    expect(err.kind).toBe('network');
    expect(err.message).toContain('ECONNREFUSED');
    await t.close();
  });
});

describe('TCP (RFC 7766)', () => {
  it('pipelines many queries on one connection', async () => {
    const t = new TcpTransport({ server: ub.server, timeoutMs: 5000 });
    try {
      const results = await Promise.all(
        Array.from({ length: PIPELINE }, (_, i) => t.query({ name: nameFromText(`n${i}.test.`), type: RRType.A })),
      );
      results.forEach((r, i) => {
        expect(nameEquals(r.message.question[0]!.name, nameFromText(`n${i}.test.`))).toBe(true);
        expect(addresses(r)).toEqual([`192.0.2.${i + 10}`]);
      });
      expect(t.openConnections).toBe(1);
      expect(t.stats().queriesSent).toBe(PIPELINE);
      // Reused for a later query.
      await t.query(A_TEST);
      expect(t.openConnections).toBe(1);
    } finally {
      await t.close();
    }
    expect(t.openConnections).toBe(0);
  });

  it('matches answers that come back out of order and in fragments', async () => {
    const relay = await startTcpRelay(ub.server, { reverseBatch: 5, chunkSize: 3 });
    const t = new TcpTransport({ server: relay.address, timeoutMs: 5000 });
    try {
      const results = await Promise.all(
        Array.from({ length: 5 }, (_, i) => t.query({ name: nameFromText(`n${i}.test.`), type: RRType.A })),
      );
      results.forEach((r, i) => expect(addresses(r)).toEqual([`192.0.2.${i + 10}`]));
      expect(relay.connections).toBe(1);
    } finally {
      await t.close();
      await relay.close();
    }
  });

  it('fails fast with a network error when the server closes without answering', async () => {
    const relay = await startTcpRelay(ub.server, { closeOnQuery: true });
    const t = new TcpTransport({ server: relay.address, timeoutMs: 20_000 });
    try {
      const err = await rejection(t.query(A_TEST));
      expect(err.kind).toBe('network');
      expect(err.message).toContain(`127.0.0.1:${relay.address.port}`);
    } finally {
      await t.close();
      await relay.close();
    }
  });

  it('opens a new connection after the server closed the previous one', async () => {
    const relay = await startTcpRelay(ub.server, { closeAfterAnswers: 1 });
    const t = new TcpTransport({ server: relay.address, timeoutMs: 5000 });
    try {
      expect(addresses(await t.query(A_TEST))).toEqual(['192.0.2.1']);
      expect(addresses(await t.query(A_TEST))).toEqual(['192.0.2.1']);
      expect(relay.connections).toBe(2);
    } finally {
      await t.close();
      await relay.close();
    }
  });

  it('closes an idle connection after the idle timeout', async () => {
    const t = new TcpTransport({ server: ub.server, timeoutMs: 5000, idleTimeoutMs: 50 });
    try {
      await t.query(A_TEST);
      for (let i = 0; i < 200 && t.openConnections > 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(t.openConnections).toBe(0);
      expect(addresses(await t.query(A_TEST))).toEqual(['192.0.2.1']);
    } finally {
      await t.close();
    }
  });
});

describe('DNS over TLS (RFC 7858)', () => {
  it('answers over TLS with the test CA and the server name, reusing one connection', async () => {
    const t = new TlsTransport({ server: ub.tlsServer!, timeoutMs: 5000, caFile: ub.caFile!, tlsServerName: ub.tlsServerName });
    try {
      const [a, big] = await Promise.all([t.query(A_TEST), t.query({ name: nameFromText('BIG.test.'), type: RRType.TXT })]);
      expect(addresses(a)).toEqual(['192.0.2.1']);
      expect(a.exchange.transport).toBe('tls');
      expect(txtStrings(big)).toEqual([...BIG_TXT].sort());
      expect(t.openConnections).toBe(1);
    } finally {
      await t.close();
    }
  });

  it('checks the IP literal against the certificate when no server name is given', async () => {
    const t = new TlsTransport({ server: ub.tlsServer!, timeoutMs: 5000, caFile: ub.caFile! });
    try {
      expect(addresses(await t.query(A_TEST))).toEqual(['192.0.2.1']);
    } finally {
      await t.close();
    }
  });

  it('refuses a certificate that does not match the server name, with a clear error', async () => {
    const t = new TlsTransport({ server: ub.tlsServer!, timeoutMs: 5000, caFile: ub.caFile!, tlsServerName: 'wrong.example' });
    try {
      const err = await rejection(t.query(A_TEST));
      expect(err.kind).toBe('tls');
      expect(err.message).toContain('"wrong.example"');
      expect(err.message).toMatch(/altnames|does not match/i);
    } finally {
      await t.close();
    }
  });

  it('refuses a certificate from a CA that is not trusted (system store only)', async () => {
    const t = new TlsTransport({ server: ub.tlsServer!, timeoutMs: 5000, tlsServerName: ub.tlsServerName });
    try {
      const err = await rejection(t.query(A_TEST));
      expect(err.kind).toBe('tls');
    } finally {
      await t.close();
    }
  });

  it('reports an unreadable CA file as a configuration error', async () => {
    const t = new TlsTransport({ server: ub.tlsServer!, timeoutMs: 5000, caFile: `${ub.dir}/missing.pem` });
    const err = await rejection(t.query(A_TEST));
    expect(err.kind).toBe('config');
    expect(err.message).toContain('missing.pem');
    await t.close();
  });
});

describe('DNS over HTTPS (RFC 8484)', () => {
  it('POSTs application/dns-message with ID 0 and accepts the answer to our question', async () => {
    const t = new HttpsTransport({ url: ub.httpsUrl!, timeoutMs: 5000, caFile: ub.caFile!, tlsServerName: ub.tlsServerName });
    try {
      const [a, big] = await Promise.all([t.query(A_TEST), t.query({ name: nameFromText('big.test.'), type: RRType.TXT })]);
      expect(addresses(a)).toEqual(['192.0.2.1']);
      expect(parseMessage(a.exchange.query).id).toBe(0);
      expect(a.exchange.transport).toBe('https');
      expect(a.exchange.server).toBe(ub.httpsUrl);
      expect(txtStrings(big)).toEqual([...BIG_TXT].sort());
    } finally {
      await t.close();
    }
  });

  it('refuses a certificate that does not match the name, with a clear error', async () => {
    const t = new HttpsTransport({ url: ub.httpsUrl!, timeoutMs: 5000, caFile: ub.caFile!, tlsServerName: 'wrong.example' });
    try {
      const err = await rejection(t.query(A_TEST));
      expect(err.kind).toBe('tls');
      expect(err.message).toContain('"wrong.example"');
    } finally {
      await t.close();
    }
  });

  it('reports an HTTP error status', async () => {
    const url = ub.httpsUrl!.replace('/dns-query', '/not-here');
    const t = new HttpsTransport({ url, timeoutMs: 5000, caFile: ub.caFile!, tlsServerName: ub.tlsServerName });
    try {
      const err = await rejection(t.query(A_TEST));
      expect(err.kind).toBe('http');
      expect(err.message).toMatch(/HTTP 4\d\d/);
    } finally {
      await t.close();
    }
  });
});

describe('upstream', () => {
  it('fails over from a server that never answers to one that does', async () => {
    const hole = await startBlackhole();
    const up = createUpstream({ servers: [hole.address, ub.server], timeoutMs: 400, attempts: 1 });
    try {
      const r = await up.query(A_TEST);
      expect(addresses(r)).toEqual(['192.0.2.1']);
      expect(r.exchange.server).toBe(`127.0.0.1:${ub.server.port}`);
      expect(hole.seen).toHaveLength(1);
    } finally {
      await up.close();
      await hole.close();
    }
  });

  it('moves on after SERVFAIL, and returns the last SERVFAIL when no server does better', async () => {
    const broken = await startServfail();
    const up = createUpstream({ servers: [broken.address, ub.server], timeoutMs: 1000, attempts: 1 });
    const onlyBroken = createUpstream({ servers: [broken.address], timeoutMs: 1000, attempts: 2 });
    try {
      const r = await up.query(A_TEST);
      expect(r.message.rcode).toBe(0);
      expect(addresses(r)).toEqual(['192.0.2.1']);
      expect(broken.answered).toBe(1);
      const failed = await onlyBroken.query(A_TEST);
      expect(failed.message.rcode).toBe(2);
      expect(broken.answered).toBe(3);
    } finally {
      await up.close();
      await onlyBroken.close();
      await broken.close();
    }
  });

  it('sends identical queries in flight once (name compared case-insensitively)', async () => {
    const up = createUpstream({ servers: [ub.server], timeoutMs: 2000, attempts: 1 });
    try {
      const names = ['a.test.', 'A.TEST.', 'a.Test.', 'a.test.'];
      const results = await Promise.all(names.map((n) => up.query({ name: nameFromText(n), type: RRType.A })));
      for (const r of results) expect(r).toBe(results[0]);
      const s = up.stats();
      expect(s.queriesSent).toBe(1);
      expect(s.deduplicated).toBe(3);
      // A different type is a different query.
      const aaaa = await up.query({ name: nameFromText('a.test.'), type: RRType.AAAA });
      expect(aaaa.message.answer[0]?.type).toBe(RRType.AAAA);
      expect(up.stats().queriesSent).toBe(2);
    } finally {
      await up.close();
    }
  });

  it('detaches an aborted caller without aborting the others sharing the query', async () => {
    const relay = await startSpoofingRelay(ub.server); // adds a 20 ms delay: time to abort
    const up = createUpstream({ servers: [relay.address], timeoutMs: 3000, attempts: 1 });
    try {
      const ac = new AbortController();
      const first = up.query(A_TEST, ac.signal);
      const second = up.query(A_TEST);
      ac.abort();
      const err = await rejection(first);
      expect(err.kind).toBe('aborted');
      expect(addresses(await second)).toEqual(['192.0.2.1']);
    } finally {
      await up.close();
      await relay.close();
    }
  });

  it('fails queries in flight with kind closed when the upstream is closed', async () => {
    const hole = await startBlackhole();
    const up = createUpstream({ servers: [hole.address], timeoutMs: 20_000, attempts: 1 });
    try {
      const p = up.query(A_TEST);
      for (let i = 0; i < 300 && hole.seen.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      await up.close();
      expect((await rejection(p)).kind).toBe('closed');
    } finally {
      await up.close();
      await hole.close();
    }
  });

  it('aborts a query whose only caller aborts', async () => {
    const hole = await startBlackhole();
    const up = createUpstream({ servers: [hole.address], timeoutMs: 20_000, attempts: 1 });
    try {
      const ac = new AbortController();
      const p = up.query(A_TEST, ac.signal);
      setTimeout(() => ac.abort(), 20);
      expect((await rejection(p)).kind).toBe('aborted');
    } finally {
      await up.close();
      await hole.close();
    }
  });

  it.each([
    ['tcp', () => ub.server],
    ['tls', () => ub.tlsServer!],
    ['https', () => ub.httpsServer!],
  ] as const)('resolves over %s, then refuses queries after close()', async (protocol, server) => {
    const up = createUpstream({
      servers: [server()],
      protocol,
      timeoutMs: 5000,
      attempts: 1,
      ...(protocol === 'tcp' ? {} : { caFile: ub.caFile!, tlsServerName: ub.tlsServerName }),
    });
    const r = await up.query(A_TEST);
    expect(addresses(r)).toEqual(['192.0.2.1']);
    expect(r.exchange.transport).toBe(protocol);
    await up.close();
    expect((await rejection(up.query(A_TEST))).kind).toBe('closed');
  });

  it("reports a TLS failure rather than the other servers' timeouts", async () => {
    const hole = await startBlackhole();
    const up = createUpstream({
      servers: [ub.tlsServer!],
      protocol: 'tls',
      timeoutMs: 2000,
      attempts: 3,
      caFile: ub.caFile!,
      tlsServerName: 'wrong.example',
    });
    try {
      const err = await rejection(up.query(A_TEST));
      expect(err.kind).toBe('tls');
      // A certificate failure is not retried: one try, not three.
      expect(err.message.match(/TLS handshake/g)).toHaveLength(1);
    } finally {
      await up.close();
      await hole.close();
    }
  });

  it('starts at the next server for each query with rotate', async () => {
    const first = await startSpoofingRelay(ub.server);
    const second = await startSpoofingRelay(ub.server);
    const up = createUpstream({ servers: [first.address, second.address], timeoutMs: 3000, attempts: 1, rotate: true });
    const fixed = createUpstream({ servers: [first.address, second.address], timeoutMs: 3000, attempts: 1 });
    try {
      for (const n of ['n1', 'n2', 'n3', 'n4']) await up.query({ name: nameFromText(`${n}.test.`), type: RRType.A });
      expect([first.relayed, second.relayed]).toEqual([2, 2]);
      for (const n of ['n5', 'n6']) await fixed.query({ name: nameFromText(`${n}.test.`), type: RRType.A });
      expect([first.relayed, second.relayed]).toEqual([4, 2]);
    } finally {
      await up.close();
      await fixed.close();
      await first.close();
      await second.close();
    }
  });

  it("uses resolv.conf's servers for 'system'", async () => {
    const text = `# test\nnameserver 127.0.0.1\nnameserver ::1\noptions timeout:3 attempts:1 rotate\n`;
    const up = createUpstream({ servers: 'system', protocol: 'tls', loadText: () => text });
    try {
      expect(up.servers).toEqual(['127.0.0.1:853', '[::1]:853']);
      expect(up.timeoutMs).toBe(3000);
      expect(up.attempts).toBe(1);
      expect(up.rotate).toBe(true);
    } finally {
      await up.close();
    }
  });

  it('rejects a server that is not an IP literal', () => {
    expect(() => createUpstream({ servers: [{ host: 'dns.example', port: 53 }], timeoutMs: 100, attempts: 1 })).toThrow(
      /not an IP address literal/,
    );
  });

  it.each([
    ['tcp', () => ub.server],
    ['tls', () => ub.tlsServer!],
    ['https', () => ub.httpsServer!],
  ] as const)('close() closes the pooled %s connection', async (protocol, server) => {
    const proxy = await startTcpProxy(server());
    const up = createUpstream({
      servers: [proxy.address],
      protocol,
      timeoutMs: 5000,
      attempts: 1,
      idleTimeoutMs: 60_000,
      ...(protocol === 'tcp' ? {} : { caFile: ub.caFile!, tlsServerName: ub.tlsServerName }),
    });
    try {
      await Promise.all([up.query(A_TEST), up.query({ name: nameFromText('n1.test.'), type: RRType.A })]);
      expect(proxy.accepted).toBe(1);
      expect(proxy.open).toBe(1);
      await up.close();
      for (let i = 0; i < 300 && proxy.open > 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(proxy.open).toBe(0);
    } finally {
      await up.close();
      await proxy.close();
    }
  });

  it('leaves no UDP socket open after answers, timeouts and aborts', async () => {
    const udpSockets = (): number => process.getActiveResourcesInfo().filter((r) => r === 'UDPWrap').length;
    const baseline = udpSockets();
    const hole = await startBlackhole();
    const up = createUpstream({ servers: [hole.address, ub.server], timeoutMs: 400, attempts: 1 });
    try {
      await up.query(A_TEST);
      const ac = new AbortController();
      const p = up.query({ name: nameFromText('n2.test.'), type: RRType.A }, ac.signal);
      ac.abort();
      await rejection(p);
    } finally {
      await up.close();
      await hole.close();
    }
    for (let i = 0; i < 300 && udpSockets() > baseline; i++) await new Promise((r) => setTimeout(r, 10));
    expect(udpSockets()).toBe(baseline);
  });
});
