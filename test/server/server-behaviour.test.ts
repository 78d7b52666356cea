/**
 * The proxy's operation against the DNSSEC lab's Unbound as upstream:
 * access control before any work, RFC 7766 pipelining with out-of-order
 * answers, the drain on SIGTERM (answers in flight still
 * go out, exit status 0), SIGHUP re-reading the trust anchors, the log line
 * per bogus answer, the statistics line, and sd_notify (received by socat).
 * The in-flight bounds: server-limits.test.ts.
 *
 * Where a test needs an answer to be slow, the real network source is
 * wrapped so that chosen questions wait for the test to release them.
 */
import { createSocket } from 'node:dgram';
import { EventEmitter } from 'node:events';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeldSource, UdpClient, startProxy, until } from './proxy-support.js';
import { parseServe, runServe } from '../../src/cli/serve.js';
import { DEFAULT_ROOT_ANCHORS_PATH, loadTrustAnchorFile } from '../../src/dnssec/anchors.js';
import { type NetworkSource, createNetworkSource } from '../../src/resolver/network-source.js';
import { AccessList } from '../../src/server/acl.js';
import { AnswerMemo } from '../../src/server/answer-memo.js';
import { ProxyServer } from '../../src/server/server.js';
import type { ResponseSource } from '../../src/validator/context.js';
import { createValidator } from '../../src/validator/validator.js';
import { encodeQuery, parseMessage } from '../../src/wire/message.js';
import { nameFromText } from '../../src/wire/name.js';
import { RRType } from '../../src/wire/rrtype.js';
import { type StartedLab, labUnavailableReason, startLab, stopLab } from '../lab/lab.js';
import { dig } from './serve-helper.js';

const unavailable = labUnavailableReason();
let lab: StartedLab;
let network: NetworkSource;
let tmp: string;

beforeAll(async () => {
  if (unavailable) throw new Error(`this test needs the DNSSEC lab (test/lab): ${unavailable}`);
  lab = await startLab();
  network = createNetworkSource({ servers: [{ host: lab.resolver.address, port: lab.resolver.port }], timeoutMs: 4000 });
  tmp = mkdtempSync(join(tmpdir(), 'dnssec-stub-serve-'));
}, 120_000);

afterAll(async () => {
  await network?.close();
  if (lab) await stopLab();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const proxy = (source: ResponseSource, opts: Parameters<typeof startProxy>[2] = {}, memoEntries?: number) => startProxy(lab.anchors.ds, source, opts, memoEntries);

describe('access control comes first (Unbound worker.c order)', () => {
  it('a refused source gets nothing, over UDP and TCP, and costs no upstream query', async () => {
    const source = new HeldSource(network, new Set());
    const { server, port } = await proxy(source, { acl: { allows: () => false } });
    const client = await UdpClient.open();
    client.send(port, encodeQuery(nameFromText('www.lab.'), RRType.A, { id: 1 }));
    await until(() => server.stats.denied === 1);
    const closed = await new Promise<boolean>((resolve) => {
      const c = connect(port, '127.0.0.1');
      c.on('data', () => resolve(false));
      c.on('close', () => resolve(true));
      c.on('error', () => undefined);
    });
    expect(closed).toBe(true);
    expect(source.asked).toBe(0);
    expect(server.stats.snapshot()).toMatchObject({ queries: 0, denied: 2 });
    await server.drain(1000);
    // Nothing came back to the refused UDP client (the server is closed and every datagram read).
    expect(await client.flush()).toEqual([]);
    client.close();
  });
});

describe('TCP (RFC 7766)', () => {
  it('pipelined queries on one connection are answered as they complete, out of order (§6.2.1.1)', async () => {
    const source = new HeldSource(network, new Set(['www.alg13.lab.']));
    const { server, port } = await proxy(source);
    const frame = (b: Uint8Array): Buffer => Buffer.concat([Buffer.from([b.length >> 8, b.length & 0xff]), Buffer.from(b)]);
    const ids: number[] = [];
    const sock = connect(port, '127.0.0.1');
    let buf = Buffer.alloc(0);
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        ids.push(parseMessage(buf.subarray(2, 2 + buf.readUInt16BE(0))).id);
        buf = buf.subarray(2 + buf.readUInt16BE(0));
        if (ids.length === 1) source.release();
      }
    });
    sock.write(Buffer.concat([frame(encodeQuery(nameFromText('www.alg13.lab.'), RRType.A, { id: 101 })), frame(encodeQuery(nameFromText('www.lab.'), RRType.A, { id: 202 }))]));
    await until(() => ids.length === 2);
    expect(ids).toEqual([202, 101]);
    sock.destroy();
    await server.drain(1000);
  });
});

describe('answers rebuilt from the verdict when the upstream message is no longer kept', () => {
  it('secure: the validated records with AD, and no RRSIG (they were not kept)', async () => {
    const { server, port } = await proxy(new HeldSource(network, new Set()), {}, 1);
    const s = { host: '127.0.0.1', port };
    const first = await dig(s, 'www.alg13.lab.', 'A', ['+dnssec']);
    expect(first.flags).toContain('ad');
    // Another question fills the one-entry memo; the first comes again from the validator's result cache.
    expect((await dig(s, 'www.lab.', 'A', ['+dnssec'])).flags).toContain('ad');
    const again = await dig(s, 'www.alg13.lab.', 'A', ['+dnssec']);
    expect(again.status).toBe('NOERROR');
    expect(again.flags).toContain('ad');
    expect(again.answer).toEqual([expect.stringMatching(/^www\.alg13\.lab\. \d+ IN A 127\.\d+\.\d+\.\d+$/)]);
    expect(server.stats.snapshot().cacheHits).toBeGreaterThanOrEqual(1);
    await server.drain(1000);
  });
});

describe('a verdict from the result cache is answered from the message it was reached on', () => {
  it('a later upstream answer to the same question (as a key-chain walk may get) does not reach the client under AD', async () => {
    let tamper = false;
    const planted = { name: nameFromText('planted.alg13.lab.'), type: RRType.NSEC, class: 1, ttl: 300, rdata: new Uint8Array([0, 0]) };
    const source: ResponseSource = {
      query: async (name, type) => {
        const m = await network.query(name, type);
        return tamper ? { ...m, authority: [...m.authority, planted] } : m;
      },
    };
    const memo = new AnswerMemo(source);
    const validator = createValidator({ source: memo, trustAnchors: loadTrustAnchorFile(lab.anchors.ds, Math.floor(Date.now() / 1000)) });
    const server = new ProxyServer({ listen: [{ host: '127.0.0.1', port: 0 }], acl: new AccessList(), validator: () => validator, memo, log: () => undefined });
    const [bound] = await server.start();
    const s = { host: '127.0.0.1', port: bound!.port };
    const first = await dig(s, 'www.alg13.lab.', 'A', ['+dnssec']);
    expect(first.flags).toContain('ad');
    tamper = true;
    await memo.query(nameFromText('www.alg13.lab.'), RRType.A); // the same question asked again, other records back
    expect(memo.get(nameFromText('www.alg13.lab.'), RRType.A)!.authority).toContain(planted);
    const again = await dig(s, 'www.alg13.lab.', 'A', ['+dnssec']);
    expect(again.flags).toContain('ad');
    expect(again.raw).not.toMatch(/planted/);
    expect(server.stats.snapshot().cacheHits).toBe(1);
    await server.drain(1000);
  });
});

describe('drain (SIGTERM)', () => {
  it('an answer in flight still goes out; new queries are not taken; drain then closes', async () => {
    const source = new HeldSource(network, new Set(['www.alg14.lab.']));
    const { server, port } = await proxy(source);
    const [early, late] = [await UdpClient.open(), await UdpClient.open()];
    early.send(port, encodeQuery(nameFromText('www.alg14.lab.'), RRType.A, { id: 77 }));
    await until(() => source.holding >= 1);
    const drained = server.drain(30_000);
    late.send(port, encodeQuery(nameFromText('www.lab.'), RRType.A, { id: 78 }));
    // The late query is refused by the drain before the held one is let go.
    await until(() => server.stats.dropped === 1);
    source.release();
    await drained;
    expect((await early.flush()).map((m) => m.id)).toEqual([77]);
    expect(await late.flush()).toEqual([]);
    early.close();
    late.close();
  });
});

describe('no answer from the upstream: SERVFAIL with EDE 22 or 23', () => {
  async function serveWith(upstream: string): Promise<{ port: number; stop: () => Promise<number>; log: () => string }> {
    const cmd = parseServe(['--listen', '127.0.0.1:0', '--server', upstream, '--trust-anchor', lab.anchors.ds, '--timeout', '300']);
    if (cmd.command !== 'serve') throw new Error('parse');
    let log = '';
    const signals = new EventEmitter();
    const exited = runServe(cmd, { stdout: { write: (t: string) => (log += t) }, stderr: { write: (t: string) => (log += t) } }, signals);
    await until(() => log.includes('ready on'));
    return { port: Number(/ready on 127\.0\.0\.1:(\d+)/.exec(log)![1]), stop: () => (signals.emit('SIGTERM'), exited), log: () => log };
  }

  it('an upstream that never answers (a bound UDP socket that reads nothing): EDE 22, no reachable authority', async () => {
    const sink = createSocket('udp4');
    await new Promise<void>((r) => sink.bind(0, '127.0.0.1', () => r()));
    const s = await serveWith(`127.0.0.1:${sink.address().port}`);
    const a = await dig({ host: '127.0.0.1', port: s.port }, 'www.lab.', 'A', ['+dnssec']);
    expect(a.status).toBe('SERVFAIL');
    expect(a.ede).toEqual([22]);
    expect(a.flags).not.toContain('ad');
    expect(await s.stop()).toBe(0);
    sink.close();
  });

  it('an upstream port nobody listens on (ICMP port unreachable): EDE 23, network error', async () => {
    const sink = createSocket('udp4');
    await new Promise<void>((r) => sink.bind(0, '127.0.0.1', () => r()));
    const port = sink.address().port;
    await new Promise<void>((r) => sink.close(() => r()));
    const s = await serveWith(`127.0.0.1:${port}`);
    const a = await dig({ host: '127.0.0.1', port: s.port }, 'www.lab.', 'A', ['+dnssec']);
    expect(a.status).toBe('SERVFAIL');
    expect(a.ede).toEqual([23]);
    expect(await s.stop()).toBe(0);
  });
});

describe('the serve command: SIGHUP re-reads the anchors, SIGTERM exits 0, logs and stats', () => {
  it('wrong anchor: bogus (logged); the right one after SIGHUP: secure; a broken file keeps the old ones', async () => {
    const anchorFile = join(tmp, 'anchor');
    copyFileSync(DEFAULT_ROOT_ANCHORS_PATH, anchorFile);
    const cmd = parseServe(['--listen', '127.0.0.1:0', '--server', `${lab.resolver.address}:${lab.resolver.port}`, '--trust-anchor', anchorFile]);
    if (cmd.command !== 'serve') throw new Error('parse');
    let log = '';
    const signals = new EventEmitter();
    const exited = runServe(cmd, { stdout: { write: (t: string) => (log += t) }, stderr: { write: (t: string) => (log += t) } }, signals);
    await until(() => log.includes('ready on'));
    const port = Number(/ready on 127\.0\.0\.1:(\d+)/.exec(log)![1]);
    const s = { host: '127.0.0.1', port };

    const before = await dig(s, 'www.lab.', 'A', ['+dnssec']);
    expect(before.status).toBe('SERVFAIL');
    expect(before.ede.length).toBe(1);
    expect(log).toMatch(/bogus www\.lab\. A for 127\.0\.0\.1: EDE \d+: /);

    copyFileSync(lab.anchors.ds, anchorFile);
    signals.emit('SIGHUP');
    expect(log).toMatch(/SIGHUP: 1 trust anchor\(s\) re-read/);
    const after = await dig(s, 'www.lab.', 'A', ['+dnssec']);
    expect(after.status).toBe('NOERROR');
    expect(after.flags).toContain('ad');

    writeFileSync(anchorFile, 'this is not an anchor\n');
    signals.emit('SIGHUP');
    expect(log).toMatch(/SIGHUP: anchors not re-read, keeping the old ones/);
    expect((await dig(s, 'www.alg13.lab.', 'A', ['+dnssec'])).flags).toContain('ad');

    signals.emit('SIGTERM');
    expect(await exited).toBe(0);
    expect(log).toMatch(/stopped; stats queries=3 secure=2 insecure=0 bogus=1 .* p50_ms=[\d.]+ p99_ms=[\d.]+/);
  });

  it('--stats N prints a periodic statistics line', async () => {
    const cmd = parseServe(['--listen', '127.0.0.1:0', '--server', `${lab.resolver.address}:${lab.resolver.port}`, '--trust-anchor', lab.anchors.ds, '--stats', '1']);
    if (cmd.command !== 'serve') throw new Error('parse');
    let log = '';
    const signals = new EventEmitter();
    const exited = runServe(cmd, { stdout: { write: (t: string) => (log += t) }, stderr: { write: (t: string) => (log += t) } }, signals);
    await until(() => log.includes('ready on'));
    const port = Number(/ready on 127\.0\.0\.1:(\d+)/.exec(log)![1]);
    await dig({ host: '127.0.0.1', port }, 'www.lab.', 'A', ['+dnssec']);
    await dig({ host: '127.0.0.1', port }, 'www.lab.', 'A', ['+dnssec']);
    await until(() => /stats queries=2 secure=2 .*cache_hits=1 /.test(log), 5000);
    signals.emit('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('with NOTIFY_SOCKET set, systemd is told READY=1 with the main pid (sd_notify, via systemd-notify)', async () => {
    const sock = join(tmp, 'notify.sock');
    const receiver = spawn('socat', ['-u', `UNIX-RECV:${sock}`, 'STDOUT'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let received = '';
    receiver.stdout.on('data', (d: Buffer) => (received += d.toString()));
    await until(() => existsSync(sock));
    const cmd = parseServe(['--listen', '127.0.0.1:0', '--server', `${lab.resolver.address}:${lab.resolver.port}`, '--trust-anchor', lab.anchors.ds]);
    if (cmd.command !== 'serve') throw new Error('parse');
    let log = '';
    const signals = new EventEmitter();
    const io = { stdout: { write: (t: string) => (log += t) }, stderr: { write: (t: string) => (log += t) }, env: { ...process.env, NOTIFY_SOCKET: sock } };
    const exited = runServe(cmd, io, signals);
    try {
      await until(() => received.includes('READY=1'));
      expect(received).toContain(`MAINPID=${process.pid}`);
      expect(log).toMatch(/ready on/);
    } finally {
      receiver.kill();
      signals.emit('SIGTERM');
    }
    expect(await exited).toBe(0);
  });

  it('a listen address that cannot be bound: exit status 69, one line', async () => {
    const cmd = parseServe(['--listen', '127.0.0.1:0', '--server', `${lab.resolver.address}:${lab.resolver.port}`, '--trust-anchor', lab.anchors.ds]);
    if (cmd.command !== 'serve') throw new Error('parse');
    // The lab resolver's own address and port are taken.
    const taken = { ...cmd, listen: [{ host: lab.resolver.address, port: lab.resolver.port }] };
    let log = '';
    const code = await runServe(taken, { stdout: { write: (t: string) => (log += t) }, stderr: { write: (t: string) => (log += t) } }, new EventEmitter());
    expect(code).toBe(69);
    expect(log).toMatch(/^dnssec-stub: cannot listen: .*EADDRINUSE.*\n$/);
  });
});
