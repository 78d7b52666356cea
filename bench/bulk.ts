/**
 * Bulk throughput over fresh names: `npm run bench:bulk [-- --rounds N --slice-ms MS --positive-count N]`.
 *
 * The load of a mail server: DNSBL checks, SPF includes, DKIM and MTA-STS probes ask many names once each, most of
 * them NXDOMAIN or synthesised from a wildcard, and MX/TLSA/A lookups ask names that exist. Starts (or joins) the
 * DNSSEC lab (test/lab, its /16 from DNSSEC_LAB_NET) plus an Unbound validating forwarder in front of the lab's
 * Unbound (bench/bulk-forwarder.ts: aggressive-nsec on, one thread), and asks both fresh names of six kinds:
 *   nsec-wildcard   <random>.wild.deny.lab A     a wildcard expansion in an NSEC zone
 *   nsec-nxdomain   <random>.deny.lab A          NXDOMAIN in an NSEC zone
 *   nsec3-wildcard  <random>.wild.deny3.lab A    a wildcard expansion in an NSEC3 zone
 *   nsec3-nxdomain  <random>.deny3.lab A         NXDOMAIN in an NSEC3 zone
 *   nsec-positive   pNNNN.pos.lab A              a name of its own that exists, in an NSEC zone
 *   nsec3-positive  pNNNN.pos3.lab A             the same in an NSEC3 zone
 * at 64 questions in flight:
 *   stub    = dnssec-stub in this process (createValidator over createNetworkSource, UDP, CD=1, upstream = the lab
 *             Unbound), called directly (a library's use), its upstream queries counted in a wrapping transport;
 *   unbound = the forwarder, loaded by dnsperf (-q 64, one client; DO set, CD clear: it validates), the fastest
 *             load generator at hand: a UDP client in this Node process could not keep Unbound busy (it answered
 *             about 10,000 NXDOMAINs/s to it at 40% of a core, and 22,000-25,000/s to dnsperf).
 * Every name is new to both (neither the stub's caches nor Unbound's message cache can answer it as such; the two
 * columns never share a name), the keys of every zone are cached by a warm-up. Rounds alternate the order of the
 * two columns; each round is a slice of --slice-ms per column (the positive kinds: --positive-count names per
 * column, pos.lab has 3,000); rates are medians over the rounds, the ratio is the median of the per-round ratios
 * (load from elsewhere on the machine hits both alike). CPU time per answer is measured for both (this process;
 * Unbound's utime+stime from /proc): on a machine shared with other work it is the steadier figure.
 * Every answer is checked: the stub's in full (secure, the rcode, records for positive kinds); Unbound's rcodes
 * from dnsperf's summary (anything else aborts), and the AD bit and rcode of a sample of each run's names
 * asked again through a UDP client.
 */
import { spawnSync } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTrustAnchorFile } from '../src/dnssec/anchors.js';
import { createNetworkSource, type NetworkSource } from '../src/resolver/network-source.js';
import { type ServerAddress, type Transport, type TransportResult, type TransportStats, type UpstreamQuery, newStats } from '../src/resolver/transport.js';
import { createUpstream } from '../src/resolver/upstream.js';
import { UpstreamError } from '../src/validator/result.js';
import { type Validator, createValidator } from '../src/validator/validator.js';
import { encodeQuery } from '../src/wire/message.js';
import { nameFromText } from '../src/wire/name.js';
import { RRType } from '../src/wire/rrtype.js';
import { startForwarder } from './bulk-forwarder.js';
import { BenchAbort, TOOL_ENV, labctl, packageRoot, runBench } from './_lab.js';

const CONCURRENCY = 64;
const QUERY_TIMEOUT_MS = 5_000;
const WARMUP_NAMES = 300;
const POSITIVE_WARMUP_NAMES = 50;
/** Names of pos.lab. and pos3.lab. (test/lab/tree.mjs POSITIVE_NAMES). */
const POSITIVE_POOL = 3000;
/** Names of each dnsperf run asked again through the UDP client, to check the AD bit. */
const AD_SAMPLE = 8;

interface Kind {
  readonly name: string;
  /** The parent of the random label, or the zone of the pNNNN names. */
  readonly under: string;
  readonly answer: 'wildcard' | 'nxdomain' | 'positive';
}

const KINDS: readonly Kind[] = [
  { name: 'nsec-wildcard', under: 'wild.deny.lab.', answer: 'wildcard' },
  { name: 'nsec-nxdomain', under: 'deny.lab.', answer: 'nxdomain' },
  { name: 'nsec3-wildcard', under: 'wild.deny3.lab.', answer: 'wildcard' },
  { name: 'nsec3-nxdomain', under: 'deny3.lab.', answer: 'nxdomain' },
  { name: 'nsec-positive', under: 'pos.lab.', answer: 'positive' },
  { name: 'nsec3-positive', under: 'pos3.lab.', answer: 'positive' },
];

interface LabEnv {
  readonly runDir: string;
  readonly resolver: { readonly address: string; readonly port: number };
  readonly anchors: { readonly ds: string };
}

/** No answer (upstream timeout or SERVFAIL on a busy machine): counted apart, never as an answer. */
class NoAnswer extends Error {
  override name = 'NoAnswer';
}

const ROOT = packageRoot(import.meta.url);
const LAB_USER = `bench-bulk-${process.pid}`;

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s[Math.floor(s.length / 2)]!;
};

/** Fresh names: a ten-character label, five random letters and digits and a counter, never handed out twice. */
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
let issued = 0;
function freshLabel(): string {
  let label = '';
  for (let i = 0; i < 5; i++) label += ALPHABET[Math.floor(Math.random() * ALPHABET.length)];
  return label + (issued++).toString(36).padStart(5, '0');
}

/** The next unused pNNNN of each positive zone: each name is asked once in the whole run, by one column. */
const nextPositive = new Map<Kind, number>();
function freshName(kind: Kind): string {
  if (kind.answer !== 'positive') return `${freshLabel()}.${kind.under}`;
  const i = nextPositive.get(kind) ?? 0;
  if (i >= POSITIVE_POOL) throw new BenchAbort(`${kind.under} has only ${POSITIVE_POOL} names: fewer rounds or a smaller --positive-count`);
  nextPositive.set(kind, i + 1);
  return `p${String(i).padStart(4, '0')}.${kind.under}`;
}

/** Counts the questions dnssec-stub sends upstream. */
class CountingTransport implements Transport {
  queries = 0;
  constructor(private readonly inner: Transport) {}
  query(q: UpstreamQuery, signal?: AbortSignal): Promise<TransportResult> {
    this.queries++;
    return this.inner.query(q, signal);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
  stats(): TransportStats {
    return this.inner.stats?.() ?? newStats();
  }
}

function expectation(kind: Kind): string {
  return kind.answer === 'nxdomain' ? 'a secure NXDOMAIN' : 'a secure answer with records';
}

/** A UDP client for the warm-up and the AD check: one socket, many ids in flight; the answer checked from its header. */
class UdpClient {
  private readonly socket: Socket = createSocket('udp4');
  private readonly pending = new Map<number, { resolve: (b: Buffer) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  private nextId = 1;

  constructor(
    private readonly address: string,
    private readonly port: number,
  ) {
    this.socket.on('message', (msg) => {
      if (msg.length < 12) return;
      const w = this.pending.get(msg.readUInt16BE(0));
      if (!w || (msg[2]! & 0x80) === 0) return;
      this.pending.delete(msg.readUInt16BE(0));
      clearTimeout(w.timer);
      w.resolve(msg);
    });
    this.socket.on('error', (e) => {
      for (const w of this.pending.values()) w.reject(e);
    });
  }

  /** Asks `name` A (RD, DO, CD clear: the forwarder validates). */
  async ask(kind: Kind, name: string): Promise<void> {
    let id = this.nextId;
    while (this.pending.has(id)) id = (id + 1) & 0xffff;
    this.nextId = (id + 1) & 0xffff;
    const query = Buffer.from(encodeQuery(nameFromText(name), RRType.A, { id, cd: false, dnssecOk: true, udpPayloadSize: 1232 }));
    const answer = await new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new BenchAbort(`the Unbound forwarder did not answer ${name} A within ${QUERY_TIMEOUT_MS} ms`));
      }, QUERY_TIMEOUT_MS);
      this.pending.set(id, { resolve, reject, timer });
      this.socket.send(query, this.port, this.address);
    });
    const rcode = answer[3]! & 0x0f;
    const ad = (answer[3]! & 0x20) !== 0;
    const ancount = answer.readUInt16BE(6);
    // SERVFAIL: the forwarder got no answer in time from the busy upstream; counted, not a verdict.
    if (rcode === 2) throw new NoAnswer();
    const nx = kind.answer === 'nxdomain';
    if (!ad || rcode !== (nx ? 3 : 0) || (!nx && ancount === 0)) {
      throw new BenchAbort(`Unbound answered ${name} A with rcode ${rcode}, AD=${ad}, ${ancount} answers: not ${expectation(kind)}`);
    }
  }

  close(): void {
    for (const w of this.pending.values()) clearTimeout(w.timer);
    this.socket.close();
  }
}

async function askStub(v: Validator, kind: Kind, name: string): Promise<void> {
  let r;
  try {
    r = await v.validate(name, 'A');
  } catch (e) {
    if (e instanceof UpstreamError) throw new NoAnswer();
    throw e;
  }
  const nx = kind.answer === 'nxdomain';
  const ok = r.status === 'secure' && r.rcode === (nx ? 'NXDOMAIN' : 'NOERROR') && (nx || r.records.length > 0);
  if (!ok) {
    throw new BenchAbort(`dnssec-stub: ${name} A is ${r.status} ${r.rcode} with ${r.records.length} records (wanted ${expectation(kind)}): ${r.reasons.map((x) => x.text).join('; ')}`);
  }
}

type Ask = (kind: Kind, name: string) => Promise<void>;

/** How long a slice runs: `ms` of wall clock, or `count` names. */
interface Limit {
  readonly ms?: number;
  readonly count?: number;
}

interface Slice {
  /** Checked answers per wall-clock second. */
  readonly rate: number;
  readonly answers: number;
  /** Questions that got no answer (upstream timeout, SERVFAIL). */
  readonly failed: number;
  /** CPU microseconds per answer (this process for the stub, the forwarder's process for Unbound). */
  readonly cpuUs: number;
}

/** Fresh names of `kind` at CONCURRENCY in flight for the limit, through `ask` (the stub, or the UDP client). */
async function load(ask: Ask, kind: Kind, limit: Limit): Promise<Slice> {
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const deadline = limit.ms === undefined ? Number.POSITIVE_INFINITY : start + limit.ms;
  let started = 0;
  let answers = 0;
  let failed = 0;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline && (limit.count === undefined || started < limit.count)) {
      started++;
      try {
        await ask(kind, freshName(kind));
        answers++;
      } catch (e) {
        if (!(e instanceof NoAnswer)) throw e;
        failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const cpu = process.cpuUsage(cpu0);
  return { rate: (answers * 1000) / (performance.now() - start), answers, failed, cpuUs: (cpu.user + cpu.system) / Math.max(1, answers) };
}

/** CPU time of a process so far, in microseconds (utime + stime from /proc, in clock ticks of 10 ms). */
function processCpuUs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * 10_000;
}

/** dnsperf's answer: rate, completed answers and the count of each response code. */
function parseDnsperf(out: string): { rate: number; completed: number; lost: number; rcodes: Map<string, number> } {
  const num = (re: RegExp): number => Number(re.exec(out)?.[1] ?? Number.NaN);
  const rcodes = new Map<string, number>();
  for (const m of (/Response codes:\s+(.*)/.exec(out)?.[1] ?? '').matchAll(/([A-Z]+) (\d+)/g)) rcodes.set(m[1]!, Number(m[2]));
  return { rate: num(/Queries per second:\s+([\d.]+)/), completed: num(/Queries completed:\s+(\d+)/), lost: num(/Queries lost:\s+(\d+)/), rcodes };
}

/** Fresh names per second made for dnsperf: above what Unbound answers here (47,000 NXDOMAINs/s on the quiet machine). */
const UNBOUND_MAX_RATE = 150_000;
/**
 * The Unbound column: dnsperf asks fresh names of `kind` (enough for the slice; a run that uses them all up is
 * an error) at CONCURRENCY outstanding, then a sample of them is asked again through `client` for the AD bit.
 */
async function loadUnbound(fwd: { address: string; port: number; pid: number }, client: UdpClient, dir: string, kind: Kind, limit: Limit): Promise<Slice> {
  const count = limit.count ?? Math.ceil(((limit.ms ?? 1000) / 1000) * UNBOUND_MAX_RATE);
  const names = Array.from({ length: count }, () => freshName(kind));
  const file = join(dir, `${kind.name}.txt`);
  writeFileSync(file, names.map((n) => `${n} A\n`).join(''));
  const args = ['-s', fwd.address, '-p', String(fwd.port), '-d', file, '-D', '-c', '1', '-q', String(CONCURRENCY), '-t', String(QUERY_TIMEOUT_MS / 1000), '-n', '1'];
  if (limit.ms !== undefined) args.push('-l', String(limit.ms / 1000));
  const cpu0 = processCpuUs(fwd.pid);
  const r = spawnSync('dnsperf', args, { encoding: 'utf8', env: TOOL_ENV, timeout: (limit.ms ?? 60_000) + 30_000 });
  const cpu = processCpuUs(fwd.pid) - cpu0;
  if (r.status !== 0) throw new BenchAbort(`dnsperf failed (exit ${r.status ?? r.signal}): ${(r.stderr || String(r.error ?? '')).trim()}`);
  const p = parseDnsperf(r.stdout);
  if (!Number.isFinite(p.rate) || !Number.isFinite(p.completed)) throw new BenchAbort(`no dnsperf result: ${r.stdout.slice(-400)}`);
  if (limit.count === undefined && p.completed + p.lost >= count) throw new BenchAbort(`dnsperf used up all ${count} fresh names before the slice ended: more are needed`);
  const want = kind.answer === 'nxdomain' ? 'NXDOMAIN' : 'NOERROR';
  const answers = p.rcodes.get(want) ?? 0;
  const servfail = p.rcodes.get('SERVFAIL') ?? 0;
  if (answers + servfail !== p.completed) throw new BenchAbort(`Unbound's ${kind.name} answers were not all ${want}: ${r.stdout.match(/Response codes:.*/)?.[0]}`);
  const asked = Math.min(p.completed, names.length);
  for (let i = 0; i < AD_SAMPLE && asked > 0; i++) {
    await client.ask(kind, names[Math.floor((i * asked) / AD_SAMPLE)]!).catch((e: unknown) => {
      if (!(e instanceof NoAnswer)) throw e;
    });
  }
  return { rate: p.rate * (answers / Math.max(1, p.completed)), answers, failed: servfail + p.lost, cpuUs: cpu / Math.max(1, answers) };
}

function option(argv: readonly string[], name: string, fallback: number): number {
  const i = argv.indexOf(name);
  if (i < 0) return fallback;
  const v = Number(argv[i + 1]);
  if (!Number.isInteger(v) || v <= 0) throw new BenchAbort(`${name} wants a positive integer, not ${argv[i + 1]}`);
  return v;
}

const fmt = (x: number): string => (x >= 100 ? String(Math.round(x)) : x.toFixed(1));

async function bench(lab: LabEnv, rounds: number, sliceMs: number, positiveCount: number): Promise<void> {
  const net = lab.resolver.address.split('.').slice(0, 2).join('.');
  const fwd = startForwarder({ runDir: lab.runDir, net, upstream: lab.resolver.address, upstreamPort: lab.resolver.port, anchorFile: lab.anchors.ds });
  const fwdPid = Number(readFileSync(join(lab.runDir, 'bulk-forwarder', 'unbound.pid'), 'utf8').trim());
  const servers: ServerAddress[] = [{ host: lab.resolver.address, port: lab.resolver.port }];
  const transport = new CountingTransport(createUpstream({ servers, protocol: 'udp', timeoutMs: QUERY_TIMEOUT_MS, attempts: 1 }));
  const source: NetworkSource = createNetworkSource({ servers, transport });
  const validator = createValidator({ source, trustAnchors: loadTrustAnchorFile(lab.anchors.ds, Math.floor(Date.now() / 1000)) });
  const client = new UdpClient(fwd.address, fwd.port);
  const dir = mkdtempSync(join(tmpdir(), 'bench-bulk-'));
  const stub: Ask = (k, n) => askStub(validator, k, n);
  const target = { address: fwd.address, port: fwd.port, pid: fwdPid };
  try {
    const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
    console.log(
      `# bulk benchmark: fresh names at concurrency ${CONCURRENCY}; dnssec-stub (one Node process, called in-process) vs Unbound ` +
        `as a validating forwarder (one thread, aggressive-nsec: yes, ${fwd.address}:${fwd.port}, loaded by dnsperf -q ${CONCURRENCY}), both over the lab's Unbound ` +
        `(${lab.resolver.address}) as upstream; ${cpus().length}-core machine (${cpu}), Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`,
    );
    console.log(
      `# ${rounds} rounds of ${sliceMs} ms (positive kinds: ${positiveCount} names) per column and kind, column order alternating; ` +
        'ratio = stub/unbound answers per second, median of the per-round ratios (> 1: dnssec-stub is faster); cpu-us = CPU microseconds per answer',
    );
    // Warm-up: the keys of every zone, Unbound's aggressive NSEC cache, the JIT.
    for (const kind of KINDS) {
      const n = kind.answer === 'positive' ? POSITIVE_WARMUP_NAMES : WARMUP_NAMES;
      await load(stub, kind, { count: n });
      await load((k, name) => client.ask(k, name), kind, { count: n });
    }
    const summary: string[] = [];
    for (const kind of KINDS) {
      const limit: Limit = kind.answer === 'positive' ? { count: positiveCount } : { ms: sliceMs };
      const ratios: number[] = [];
      const stubRates: number[] = [];
      const unboundRates: number[] = [];
      const stubCpu: number[] = [];
      const unboundCpu: number[] = [];
      let stubAnswers = 0;
      let stubFailed = 0;
      let unboundFailed = 0;
      const q0 = transport.queries;
      for (let r = 0; r < rounds; r++) {
        let s: Slice;
        let u: Slice;
        if (r % 2 === 0) {
          s = await load(stub, kind, limit);
          u = await loadUnbound(target, client, dir, kind, limit);
        } else {
          u = await loadUnbound(target, client, dir, kind, limit);
          s = await load(stub, kind, limit);
        }
        stubAnswers += s.answers;
        stubFailed += s.failed;
        unboundFailed += u.failed;
        stubRates.push(s.rate);
        unboundRates.push(u.rate);
        stubCpu.push(s.cpuUs);
        unboundCpu.push(u.cpuUs);
        ratios.push(s.rate / u.rate);
        console.log(
          `round ${r + 1} ${kind.name} stub=${Math.round(s.rate)}/s unbound=${Math.round(u.rate)}/s ratio=${(s.rate / u.rate).toFixed(2)} ` +
            `cpu-us stub=${fmt(s.cpuUs)} unbound=${fmt(u.cpuUs)}` +
            (s.failed + u.failed > 0 ? ` (no answer: stub ${s.failed}, unbound ${u.failed})` : ''),
        );
      }
      // Queries per question asked (answered or not), so failed questions do not inflate it.
      const perAnswer = (transport.queries - q0) / Math.max(1, stubAnswers + stubFailed);
      summary.push(
        `bulk ${kind.name.padEnd(14)} stub=${Math.round(median(stubRates))}/s unbound=${Math.round(median(unboundRates))}/s ` +
          `ratio=${median(ratios).toFixed(2)} cpu-us/answer stub=${fmt(median(stubCpu))} unbound=${fmt(median(unboundCpu))} ` +
          `stub-upstream-queries/answer=${perAnswer.toFixed(2)} (${stubAnswers} answers; no answer: stub ${stubFailed}, unbound ${unboundFailed})`,
      );
    }
    for (const line of summary) console.log(line);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    client.close();
    await source.close();
    await transport.close();
    fwd.stop();
  }
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const rounds = option(argv, '--rounds', 5);
  const sliceMs = option(argv, '--slice-ms', 1_000);
  const positiveCount = option(argv, '--positive-count', 250);
  const startOut = labctl(ROOT, ['start', '--user', LAB_USER]);
  const reused = /lab reused/.test(startOut.stderr);
  const lab = JSON.parse(startOut.stdout) as LabEnv;
  console.log(`# lab ${reused ? 'already running (reused; left running)' : 'started by this run (stopped at the end)'}`);
  try {
    await bench(lab, rounds, sliceMs, positiveCount);
    return 0;
  } finally {
    if (!reused) labctl(ROOT, ['stop', '--user', LAB_USER]);
  }
}

runBench('bench:bulk', main);
