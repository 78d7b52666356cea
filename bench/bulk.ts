/**
 * Bulk throughput over fresh names: `npm run bench:bulk [-- --rounds N --slice-ms MS]`.
 *
 * The load of a mail server: DNSBL checks, SPF includes, DKIM and MTA-STS probes ask many names once each, most of
 * them NXDOMAIN or synthesised from a wildcard. Starts (or joins) the DNSSEC lab (test/lab, its /16 from
 * DNSSEC_LAB_NET) plus an Unbound validating forwarder in front of the lab's Unbound (bench/bulk-forwarder.ts:
 * aggressive-nsec on, one thread), and asks both fresh random names of four kinds:
 *   nsec-wildcard   <random>.wild.deny.lab A     a wildcard expansion in an NSEC zone
 *   nsec-nxdomain   <random>.deny.lab A          NXDOMAIN in an NSEC zone
 *   nsec3-wildcard  <random>.wild.deny3.lab A    a wildcard expansion in an NSEC3 zone
 *   nsec3-nxdomain  <random>.deny3.lab A         NXDOMAIN in an NSEC3 zone
 * at 64 questions in flight:
 *   stub    = dnssec-stub in this process (createValidator over createNetworkSource, UDP, CD=1, upstream = the lab
 *             Unbound), its upstream queries counted in a wrapping transport;
 *   unbound = the forwarder, asked without CD by a UDP load generator in this process (it validates: AD = secure).
 * Every name is new to both (neither the stub's caches nor Unbound's message cache can answer it as such), the
 * keys of both zones are cached by a warm-up. Rounds alternate the order of the two columns; each round is a slice
 * of --slice-ms per column; the ratio printed is the median of the per-round ratios (load from elsewhere on the
 * machine hits both alike). Every answer is checked: secure (AD), the right rcode, records for the wildcards.
 */
import { createSocket, type Socket } from 'node:dgram';
import { cpus } from 'node:os';
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
import { BenchAbort, labctl, packageRoot, runBench } from './_lab.js';

const CONCURRENCY = 64;
const QUERY_TIMEOUT_MS = 5_000;
const WARMUP_NAMES = 300;

interface Kind {
  readonly name: string;
  /** The parent of the random label. */
  readonly under: string;
  readonly nxdomain: boolean;
}

const KINDS: readonly Kind[] = [
  { name: 'nsec-wildcard', under: 'wild.deny.lab.', nxdomain: false },
  { name: 'nsec-nxdomain', under: 'deny.lab.', nxdomain: true },
  { name: 'nsec3-wildcard', under: 'wild.deny3.lab.', nxdomain: false },
  { name: 'nsec3-nxdomain', under: 'deny3.lab.', nxdomain: true },
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

/** Fresh names: a ten-character random label (letters and digits), never handed out twice in this run. */
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const LABEL_LENGTH = 10;
const issued = new Set<string>();
function freshLabel(): string {
  for (;;) {
    let label = '';
    for (let i = 0; i < LABEL_LENGTH; i++) label += ALPHABET[Math.floor(Math.random() * ALPHABET.length)];
    if (!issued.has(label)) {
      issued.add(label);
      return label;
    }
  }
}
function freshName(kind: Kind): string {
  return `${freshLabel()}.${kind.under}`;
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

/** A UDP load generator: one socket, many ids in flight; the answer is checked from its header. */
class UdpClient {
  private readonly socket: Socket = createSocket('udp4');
  private readonly pending = new Map<number, { resolve: (b: Buffer) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  private nextId = 1;
  private readonly templates = new Map<Kind, Buffer>();

  /**
   * The query bytes for `name` (RD, DO, CD clear: the forwarder validates): one encoded template per kind with the
   * random label patched in, so the load generator costs little next to the server it measures.
   */
  private queryFor(kind: Kind, name: string): Buffer {
    let t = this.templates.get(kind);
    if (!t) {
      t = Buffer.from(encodeQuery(nameFromText(`${'a'.repeat(LABEL_LENGTH)}.${kind.under}`), RRType.A, { id: 0, cd: false, dnssecOk: true, udpPayloadSize: 1232 }));
      if (t[12] !== LABEL_LENGTH) throw new BenchAbort('unexpected query layout');
      this.templates.set(kind, t);
    }
    const q = Buffer.from(t);
    q.write(name.slice(0, LABEL_LENGTH), 13, 'latin1');
    return q;
  }

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

  async ask(kind: Kind, name: string): Promise<void> {
    let id = this.nextId;
    while (this.pending.has(id)) id = (id + 1) & 0xffff;
    this.nextId = (id + 1) & 0xffff;
    const query = this.queryFor(kind, name);
    query.writeUInt16BE(id, 0);
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
    if (!ad || rcode !== (kind.nxdomain ? 3 : 0) || (!kind.nxdomain && ancount === 0)) {
      throw new BenchAbort(`Unbound answered ${name} A with rcode ${rcode}, AD=${ad}, ${ancount} answers: not a secure ${kind.nxdomain ? 'NXDOMAIN' : 'wildcard answer'}`);
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
  const ok = r.status === 'secure' && r.rcode === (kind.nxdomain ? 'NXDOMAIN' : 'NOERROR') && (kind.nxdomain || r.records.length > 0);
  if (!ok) {
    throw new BenchAbort(`dnssec-stub: ${name} A is ${r.status} ${r.rcode} with ${r.records.length} records: ${r.reasons.map((x) => x.text).join('; ')}`);
  }
}

type Ask = (kind: Kind, name: string) => Promise<void>;

/** Fresh names of `kind` at CONCURRENCY in flight for `ms` (or `count` names): answers per second. */
async function load(ask: Ask, kind: Kind, limit: { ms?: number; count?: number }): Promise<Slice> {
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
  return { rate: (answers * 1000) / (performance.now() - start), answers, failed };
}

interface Slice {
  /** Checked answers per wall-clock second. */
  readonly rate: number;
  readonly answers: number;
  /** Questions that got no answer (upstream timeout, SERVFAIL). */
  readonly failed: number;
}

function option(argv: readonly string[], name: string, fallback: number): number {
  const i = argv.indexOf(name);
  if (i < 0) return fallback;
  const v = Number(argv[i + 1]);
  if (!Number.isInteger(v) || v <= 0) throw new BenchAbort(`${name} wants a positive integer, not ${argv[i + 1]}`);
  return v;
}

async function bench(lab: LabEnv, rounds: number, sliceMs: number): Promise<void> {
  const net = lab.resolver.address.split('.').slice(0, 2).join('.');
  const fwd = startForwarder({ runDir: lab.runDir, net, upstream: lab.resolver.address, upstreamPort: lab.resolver.port, anchorFile: lab.anchors.ds });
  const servers: ServerAddress[] = [{ host: lab.resolver.address, port: lab.resolver.port }];
  const transport = new CountingTransport(createUpstream({ servers, protocol: 'udp', timeoutMs: QUERY_TIMEOUT_MS, attempts: 1 }));
  const source: NetworkSource = createNetworkSource({ servers, transport });
  const validator = createValidator({ source, trustAnchors: loadTrustAnchorFile(lab.anchors.ds, Math.floor(Date.now() / 1000)) });
  const client = new UdpClient(fwd.address, fwd.port);
  const stub: Ask = (k, n) => askStub(validator, k, n);
  const unbound: Ask = (k, n) => client.ask(k, n);
  try {
    const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
    console.log(
      `# bulk benchmark: fresh random names at concurrency ${CONCURRENCY}; dnssec-stub (one Node process) vs Unbound ` +
        `as a validating forwarder (one thread, aggressive-nsec: yes, ${fwd.address}:${fwd.port}), both over the lab's Unbound ` +
        `(${lab.resolver.address}) as upstream; ${cpus().length}-core machine (${cpu}), Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`,
    );
    console.log(`# ${rounds} rounds of ${sliceMs} ms per column and kind, column order alternating; ratio = stub/unbound, median of the per-round ratios (> 1: dnssec-stub is faster)`);
    // Warm-up: keys of both zones, Unbound's aggressive NSEC cache, the JIT.
    for (const kind of KINDS) {
      await load(stub, kind, { count: WARMUP_NAMES });
      await load(unbound, kind, { count: WARMUP_NAMES });
    }
    const summary: string[] = [];
    for (const kind of KINDS) {
      const ratios: number[] = [];
      const stubRates: number[] = [];
      const unboundRates: number[] = [];
      let stubAnswers = 0;
      let stubFailed = 0;
      let unboundFailed = 0;
      const q0 = transport.queries;
      for (let r = 0; r < rounds; r++) {
        let s: Slice;
        let u: Slice;
        if (r % 2 === 0) {
          s = await load(stub, kind, { ms: sliceMs });
          u = await load(unbound, kind, { ms: sliceMs });
        } else {
          u = await load(unbound, kind, { ms: sliceMs });
          s = await load(stub, kind, { ms: sliceMs });
        }
        stubAnswers += s.answers;
        stubFailed += s.failed;
        unboundFailed += u.failed;
        stubRates.push(s.rate);
        unboundRates.push(u.rate);
        ratios.push(s.rate / u.rate);
        console.log(
          `round ${r + 1} ${kind.name} stub=${Math.round(s.rate)}/s unbound=${Math.round(u.rate)}/s ratio=${(s.rate / u.rate).toFixed(2)}` +
            (s.failed + u.failed > 0 ? ` (no answer: stub ${s.failed}, unbound ${u.failed})` : ''),
        );
      }
      // Queries per question asked (answered or not), so failed questions do not inflate it.
      const perAnswer = (transport.queries - q0) / Math.max(1, stubAnswers + stubFailed);
      summary.push(
        `bulk ${kind.name.padEnd(14)} stub=${Math.round(median(stubRates))}/s unbound=${Math.round(median(unboundRates))}/s ` +
          `ratio=${median(ratios).toFixed(2)} stub-upstream-queries/answer=${perAnswer.toFixed(2)} ` +
          `(${stubAnswers} answers; no answer: stub ${stubFailed}, unbound ${unboundFailed})`,
      );
    }
    for (const line of summary) console.log(line);
  } finally {
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
  const startOut = labctl(ROOT, ['start', '--user', LAB_USER]);
  const reused = /lab reused/.test(startOut.stderr);
  const lab = JSON.parse(startOut.stdout) as LabEnv;
  console.log(`# lab ${reused ? 'already running (reused; left running)' : 'started by this run (stopped at the end)'}`);
  try {
    await bench(lab, rounds, sliceMs);
    return 0;
  } finally {
    if (!reused) labctl(ROOT, ['stop', '--user', LAB_USER]);
  }
}

runBench('bench:bulk', main);
