/**
 * Validation benchmark against the reference validators: `npm run bench:validate`.
 *
 * Starts (or joins) the DNSSEC lab (test/lab: NSD + Unbound 1.17.1 on 127.77.0.0/16) and asks a fixed set of lab
 * questions (mail MX/TLSA/TXT, one per algorithm, NSEC and NSEC3 NXDOMAIN, a wildcard, an insecure and a bogus
 * answer) of:
 *   project = dnssec-stub in-process: createValidator over createNetworkSource (UDP, CD=1) to the lab Unbound,
 *             with the lab root DS as the trust anchor;
 *   unbound = the lab Unbound itself, asked WITHOUT CD so it validates (AD / SERVFAIL), by a minimal UDP client;
 *   delv    = BIND 9.18 delv, one process per question (always cold), through the lab Unbound with +cdflag;
 *   cli     = `node dist/src/cli/main.js validate`, one process per question (process-for-process with delv).
 * Warm measurements interleave short slices of every column (alternating order) and report the median of the
 * per-slice rates; the ratio is the median of the per-round ratios, so load from elsewhere affects all columns
 * alike. Every verdict (ours, Unbound's, delv's, the CLI's) is checked against cases.json; a wrong one aborts.
 * The lab is stopped at the end only when this run started it (test/lab/labctl.mjs shared-user protocol).
 */
import { execFile } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { loadTrustAnchorFile } from '../src/dnssec/anchors.js';
import { createNetworkSource, type NetworkSource } from '../src/resolver/network-source.js';
import { type ServerAddress, type Transport, type TransportResult, type TransportStats, type UpstreamQuery, newStats } from '../src/resolver/transport.js';
import { createUpstream } from '../src/resolver/upstream.js';
import type { Status } from '../src/types.js';
import { type Validator, createValidator } from '../src/validator/validator.js';
import { encodeQuery } from '../src/wire/message.js';
import { nameFromText } from '../src/wire/name.js';
import { typeFromText } from '../src/wire/rrtype.js';
import { BenchAbort, TOOL_ENV, labctl, packageRoot, runBench } from './_lab.js';

/** The questions, by lab case name (test/lab/cases.json). */
const QUESTIONS = [
  'mail-mx',
  'mail-mx-host',
  'mail-tlsa',
  'mail-spf',
  'mail-dmarc',
  'alg8-positive',
  'alg10-positive',
  'alg13-positive',
  'alg14-positive',
  'alg15-positive',
  'alg16-positive',
  'deny-nxdomain',
  'nsec3-salted-nxdomain',
  'deny-wildcard',
  'mail-insecure-mx',
  'mail-bogus-tlsa',
] as const;

/** Wall-clock time per column of each warm measurement, and the slice length. */
const WARM_MS = 2_000;
const SLICE_MS = 200;
/** Questions in flight for the throughput measurements. */
const CONCURRENCY = 8;
/** In-process cold loop, and the process loop (at least one full round of questions each). */
const COLD_MS = 3_000;
const PROCESS_MS = 12_000;
const QUERY_TIMEOUT_MS = 2_000;
const PROCESS_TIMEOUT_MS = 30_000;

interface LabCase {
  readonly name: string;
  readonly qname: string;
  readonly qtype: string;
  readonly expected: Status;
  readonly unbound?: { readonly verdict: Status };
  readonly delv?: { readonly verdict: Status };
}

interface LabEnv {
  readonly resolver: { readonly address: string; readonly port: number };
  readonly anchors: { readonly ds: string; readonly delv: string };
  readonly casesFile: string;
  readonly unboundConf: string;
}

const ROOT = packageRoot(import.meta.url);
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const LAB_USER = `bench-validate-${process.pid}`;


// ---------------------------------------------------------------------------------------------------------------
// Statistics

function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!;
}
const median = (values: readonly number[]): number => quantile(values, 0.5);
const p90 = (values: readonly number[]): number => quantile(values, 0.9);
const rate = (n: number): string => String(Math.round(n));
const ms = (n: number): string => (n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : n.toFixed(0));
const ratio = (n: number): string => (n < 10 ? n.toFixed(2) : n.toFixed(1));
const avg = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
const one = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(1));

// ---------------------------------------------------------------------------------------------------------------
// dnssec-stub, with the network queries counted

/**
 * A transport that counts the questions the source sends to the network, and the round trips: a query's depth is
 * one more than the deepest query that had completed when it started (it may depend on that answer), and the
 * round trips of a validation are the greatest depth. Queries started together (the validator's prefetch of the
 * ancestors' DS and DNSKEY sets) share a depth.
 */
class CountingTransport implements Transport {
  queries = 0;
  private depthDone = 0;

  constructor(private readonly inner: Transport) {}

  /** Counts since the last reset, then zero. */
  take(): { queries: number; roundTrips: number } {
    const out = { queries: this.queries, roundTrips: this.depthDone };
    this.queries = 0;
    this.depthDone = 0;
    return out;
  }

  async query(q: UpstreamQuery, signal?: AbortSignal): Promise<TransportResult> {
    this.queries++;
    const depth = this.depthDone + 1;
    try {
      return await this.inner.query(q, signal);
    } finally {
      this.depthDone = Math.max(this.depthDone, depth);
    }
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  stats(): TransportStats {
    return this.inner.stats?.() ?? newStats();
  }
}

interface Project {
  readonly validator: Validator;
  readonly source: NetworkSource;
  readonly transport: CountingTransport;
  close(): Promise<void>;
}

function makeProject(lab: LabEnv, cache: boolean): Project {
  const servers: ServerAddress[] = [{ host: lab.resolver.address, port: lab.resolver.port }];
  const transport = new CountingTransport(createUpstream({ servers, protocol: 'udp', timeoutMs: QUERY_TIMEOUT_MS, attempts: 1 }));
  const source = createNetworkSource({ servers, transport, ...(cache ? {} : { cache: false }) });
  // The anchor file is read per validator, as a new process would.
  const trustAnchors = loadTrustAnchorFile(lab.anchors.ds, Math.floor(Date.now() / 1000));
  // cache=off: no response cache and no result cache, so every validation asks
  // for the answer and verifies its signatures (only the validated keys stay).
  const validator = createValidator({ source, trustAnchors, ...(cache ? {} : { resultCacheSize: 0 }) });
  return {
    validator,
    source,
    transport,
    close: async () => {
      await source.close();
      await transport.close();
    },
  };
}

async function validateChecked(v: Validator, c: LabCase, what: string): Promise<void> {
  const r = await v.validate(c.qname, c.qtype);
  if (r.status !== c.expected) {
    const why = r.reasons.map((x) => x.text).join('; ');
    throw new BenchAbort(`${what}: dnssec-stub says ${r.status} for ${c.name} (${c.qname} ${c.qtype}), cases.json expects ${c.expected}${why ? `: ${why}` : ''}`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Unbound, asked without CD by a minimal UDP client (one socket, many ids in flight)

class UnboundClient {
  private readonly socket: Socket;
  private readonly pending = new Map<number, { resolve: (b: Buffer) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  private nextId = 1;
  private readonly queries = new Map<LabCase, Uint8Array>();

  constructor(private readonly lab: LabEnv) {
    this.socket = createSocket('udp4');
    this.socket.on('message', (msg) => {
      if (msg.length < 12) return;
      const waiter = this.pending.get(msg.readUInt16BE(0));
      if (!waiter || (msg[2]! & 0x80) === 0) return;
      this.pending.delete(msg.readUInt16BE(0));
      clearTimeout(waiter.timer);
      waiter.resolve(msg);
    });
    this.socket.on('error', (e) => {
      for (const w of this.pending.values()) w.reject(e);
    });
  }

  /** The query bytes of a case (RD, DO so the answer can carry AD, CD clear: Unbound validates). */
  private queryOf(c: LabCase): Uint8Array {
    let q = this.queries.get(c);
    if (!q) {
      const type = typeFromText(c.qtype);
      if (type === undefined) throw new BenchAbort(`${c.name}: unknown type ${c.qtype}`);
      q = encodeQuery(nameFromText(c.qname), type, { id: 0, cd: false, dnssecOk: true, udpPayloadSize: 1232 });
      this.queries.set(c, q);
    }
    return q;
  }

  private exchange(c: LabCase): Promise<Buffer> {
    let id = this.nextId;
    while (this.pending.has(id)) id = (id + 1) & 0xffff;
    this.nextId = (id + 1) & 0xffff;
    const query = Buffer.from(this.queryOf(c));
    query.writeUInt16BE(id, 0);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new BenchAbort(`Unbound did not answer ${c.qname} ${c.qtype} within ${QUERY_TIMEOUT_MS} ms`));
      }, QUERY_TIMEOUT_MS);
      this.pending.set(id, { resolve, reject, timer });
      this.socket.send(query, this.lab.resolver.port, this.lab.resolver.address);
    });
  }

  /** Asks, and checks Unbound's verdict from the header: SERVFAIL = bogus, AD = secure, else insecure. */
  async ask(c: LabCase): Promise<void> {
    const answer = await this.exchange(c);
    if ((answer[2]! & 0x02) !== 0) throw new BenchAbort(`Unbound's answer to ${c.qname} ${c.qtype} is truncated (this client has no TCP)`);
    const rcode = answer[3]! & 0x0f;
    const verdict: Status = rcode === 2 ? 'bogus' : (answer[3]! & 0x20) !== 0 ? 'secure' : 'insecure';
    const want = c.unbound?.verdict ?? c.expected;
    if (verdict !== want) throw new BenchAbort(`Unbound answers ${c.name} (${c.qname} ${c.qtype}) as ${verdict} (rcode ${rcode}), expected ${want}`);
  }

  close(): void {
    for (const w of this.pending.values()) clearTimeout(w.timer);
    this.socket.close();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Processes: delv, the CLI, bare node

function runProcess(cmd: string, args: readonly string[]): Promise<{ code: number; out: string; ms: number }> {
  const start = performance.now();
  return new Promise((resolve) => {
    execFile(cmd, [...args], { encoding: 'utf8', timeout: PROCESS_TIMEOUT_MS, env: TOOL_ENV }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, out: `${stdout}\n${stderr}`, ms: performance.now() - start });
    });
  });
}

/**
 * delv's verdict from its comment lines: one status per RRset ("; fully validated", "; unsigned answer", also as
 * "; negative response, ..."); ";; resolution failed" for a validation reason is bogus, except "ncache" (a
 * validated negative answer).
 */
function delvVerdict(output: string): Status | 'error' {
  const lines = output.split('\n');
  const failed = lines.find((l) => l.startsWith(';; resolution failed'));
  if (failed !== undefined) {
    if (/timed out|connection refused|network unreachable|no servers could be reached/i.test(failed)) return 'error';
    if (!/ncache/.test(failed)) return 'bogus';
  }
  const statuses = lines.filter((l) => /^; (negative response, )?(fully validated|unsigned answer)/.test(l));
  if (statuses.length === 0) return 'error';
  return statuses.some((l) => l.includes('unsigned answer')) ? 'insecure' : 'secure';
}

async function delv(lab: LabEnv, c: LabCase): Promise<number> {
  const r = await runProcess('delv', [`@${lab.resolver.address}`, '-p', String(lab.resolver.port), '-a', lab.anchors.delv, '+root=.', '+cdflag', c.qname, c.qtype]);
  const verdict = delvVerdict(r.out);
  const want = c.delv?.verdict ?? c.expected;
  if (verdict !== want) throw new BenchAbort(`delv answers ${c.name} (${c.qname} ${c.qtype}) as ${verdict}, expected ${want}:\n${r.out.trim()}`);
  return r.ms;
}

const CLI_STATUS: Record<number, Status> = { 0: 'secure', 1: 'insecure', 2: 'bogus' };

async function cli(lab: LabEnv, c: LabCase): Promise<number> {
  const args = [CLI, 'validate', c.qname, c.qtype, '--server', `${lab.resolver.address}:${lab.resolver.port}`, '--trust-anchor', lab.anchors.ds, '--json'];
  const r = await runProcess(process.execPath, args);
  let status: unknown;
  try {
    status = (JSON.parse(r.out.trim().split('\n')[0] ?? '') as { status?: unknown }).status;
  } catch {
    status = undefined;
  }
  if (CLI_STATUS[r.code] !== c.expected || status !== c.expected) {
    throw new BenchAbort(`dnssec-stub CLI: exit ${r.code}, status ${String(status)} for ${c.name} (${c.qname} ${c.qtype}), expected ${c.expected}:\n${r.out.trim()}`);
  }
  return r.ms;
}

// ---------------------------------------------------------------------------------------------------------------
// Measurement loops

type Ask = (c: LabCase) => Promise<void>;

interface Column {
  readonly ask: Ask;
  /** Per-slice rates, questions per wall-clock second. */
  readonly rates: number[];
  /** Per-question latencies, ms (sequential slices only). */
  readonly latencies: number[];
  done: number;
  next: number;
}

function column(ask: Ask): Column {
  return { ask, rates: [], latencies: [], done: 0, next: 0 };
}

/** Runs `col` for `sliceMs` with `concurrency` questions in flight, cycling through the questions. */
async function slice(col: Column, questions: readonly LabCase[], sliceMs: number, concurrency: number): Promise<void> {
  const start = performance.now();
  const deadline = start + sliceMs;
  let n = 0;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const c = questions[col.next++ % questions.length]!;
      const t0 = performance.now();
      await col.ask(c);
      if (concurrency === 1) col.latencies.push(performance.now() - t0);
      n++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  col.rates.push((n * 1000) / (performance.now() - start));
  col.done += n;
}

/** Interleaved slices of every column, `totalMs` each, order alternating per round. */
async function interleave(cols: readonly Column[], questions: readonly LabCase[], totalMs: number, concurrency: number): Promise<void> {
  for (let round = 0; round * SLICE_MS < totalMs; round++) {
    for (let j = 0; j < cols.length; j++) await slice(cols[round % 2 === 0 ? j : cols.length - 1 - j]!, questions, SLICE_MS, concurrency);
  }
}

/** Median over rounds of a/b in the same round. */
function roundRatio(a: Column, b: Column): number {
  return median(a.rates.map((x, i) => x / (b.rates[i] ?? Number.NaN)));
}

// ---------------------------------------------------------------------------------------------------------------

interface PerQuestion {
  cold: number[];
  coldQueries: number;
  coldRoundTrips: number;
  nocacheQueries: number;
  nocacheRoundTrips: number;
  cli: number[];
  delv: number[];
}

async function bench(lab: LabEnv, questions: readonly LabCase[]): Promise<void> {
  const started = performance.now();
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  console.log(
    `# validation benchmark: dnssec-stub vs Unbound 1.17.1 and delv (BIND 9.18) on the DNSSEC lab (test/lab); ` +
      `loopback numbers (127.77.0.0/16) on a ${cpus().length}-core machine (${cpu}), Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`,
  );
  console.log(
    `# ${questions.length} questions: ${questions.map((c) => `${c.qname} ${c.qtype}`).join(', ')}; every verdict is checked against test/lab/cases.json`,
  );
  console.log(
    `# project = dnssec-stub in-process (createValidator + createNetworkSource, UDP, CD=1, upstream = the lab Unbound); ` +
      `unbound = the lab Unbound asked without CD (it validates); q/s = answered questions per wall-clock second; ` +
      `seq = one question at a time, c${CONCURRENCY} = ${CONCURRENCY} in flight; latency = median/p90 ms; ratios are medians of interleaved ${SLICE_MS} ms slices`,
  );
  console.log(
    '# every ratio is oriented so that > 1 means dnssec-stub is faster: project/competitor for rates, competitor/project for times; ' +
      'cold = a new validator, source and anchor parse per question (this process keeps its JIT and parsed-key cache; the lab Unbound, ' +
      'the upstream of project, cli and delv alike, stays warm)',
  );

  const per = new Map<LabCase, PerQuestion>(questions.map((c) => [c, { cold: [], coldQueries: 0, coldRoundTrips: 0, nocacheQueries: 0, nocacheRoundTrips: 0, cli: [], delv: [] }]));
  const cached = makeProject(lab, true);
  const uncached = makeProject(lab, false);
  const unbound = new UnboundClient(lab);
  try {
    // Warm-up: fill both validators' key caches, the response cache and Unbound's cache, then let the JIT settle.
    for (const c of questions) {
      await validateChecked(cached.validator, c, 'warm-up');
      await validateChecked(uncached.validator, c, 'warm-up');
      await unbound.ask(c);
    }
    uncached.transport.take();
    for (const c of questions) {
      await validateChecked(uncached.validator, c, 'warm-up');
      const t = uncached.transport.take();
      const p = per.get(c)!;
      p.nocacheQueries = t.queries;
      p.nocacheRoundTrips = t.roundTrips;
    }
    const askOn: Ask = (c) => validateChecked(cached.validator, c, 'warm, cache on');
    const askOff: Ask = (c) => validateChecked(uncached.validator, c, 'warm, cache off');
    const askUnbound: Ask = (c) => unbound.ask(c);
    await interleave([column(askOn), column(askOff), column(askUnbound)], questions, 300, 1); // JIT warm-up, not recorded
    cached.transport.take();
    uncached.transport.take();
    const sent0 = { on: cached.source.stats()?.queriesSent ?? 0, off: uncached.source.stats()?.queriesSent ?? 0 };

    const seq = { on: column(askOn), off: column(askOff), unbound: column(askUnbound) };
    await interleave([seq.on, seq.off, seq.unbound], questions, WARM_MS, 1);
    const conc = { on: column(askOn), off: column(askOff), unbound: column(askUnbound) };
    await interleave([conc.on, conc.off, conc.unbound], questions, WARM_MS, CONCURRENCY);

    const net = { on: cached.transport.take().queries, off: uncached.transport.take().queries };
    const sent = { on: (cached.source.stats()?.queriesSent ?? 0) - sent0.on, off: (uncached.source.stats()?.queriesSent ?? 0) - sent0.off };
    const lat = (col: Column): string => `${ms(median(col.latencies))}/${ms(p90(col.latencies))}`;
    const label = { on: 'cache=on(results+responses)', off: 'cache=off(keys-only)' } as const;
    for (const mode of ['on', 'off'] as const) {
      const s = seq[mode];
      const c = conc[mode];
      console.log(
        `warm-validate ${label[mode]} seq project=${rate(median(s.rates))} unbound=${rate(median(seq.unbound.rates))} ratio=${ratio(roundRatio(s, seq.unbound))}` +
          ` latency-ms project=${lat(s)} unbound=${lat(seq.unbound)} ratio=${ratio(median(seq.unbound.latencies) / median(s.latencies))} (unbound/project)`,
      );
      console.log(`warm-validate ${label[mode]} c${CONCURRENCY} project=${rate(median(c.rates))} unbound=${rate(median(conc.unbound.rates))} ratio=${ratio(roundRatio(c, conc.unbound))}`);
      const done = s.done + c.done;
      console.log(
        `#   ${label[mode]}: ${done} validations sent ${net[mode]} questions to the network (${one(net[mode] / done)} per validation; ` +
          `source stats() queriesSent=${sent[mode]})`,
      );
    }
  } finally {
    await cached.close();
    await uncached.close();
    unbound.close();
  }

  // Cold in-process: a new validator, source (empty response cache) and anchor parse per question. The upstream
  // Unbound stays warm (as it is for delv and the CLI), and so does this process (JIT, parsed-key cache).
  {
    const coldStart = performance.now();
    let i = 0;
    while (performance.now() - coldStart < COLD_MS || i < questions.length) {
      const c = questions[i++ % questions.length]!;
      const t0 = performance.now();
      const p = makeProject(lab, true);
      try {
        await validateChecked(p.validator, c, 'cold in-process');
      } finally {
        await p.close();
      }
      const dt = performance.now() - t0;
      const t = p.transport.take();
      const q = per.get(c)!;
      q.cold.push(dt);
      q.coldQueries = t.queries;
      q.coldRoundTrips = t.roundTrips;
    }
  }

  // Cold processes: delv, the CLI and a bare `node -e ''` (the startup the CLI pays), interleaved per question.
  const bareNode: number[] = [];
  {
    const procStart = performance.now();
    let i = 0;
    while (performance.now() - procStart < PROCESS_MS || i < questions.length) {
      const c = questions[i % questions.length]!;
      const q = per.get(c)!;
      if (i % 2 === 0) {
        q.delv.push(await delv(lab, c));
        q.cli.push(await cli(lab, c));
      } else {
        q.cli.push(await cli(lab, c));
        q.delv.push(await delv(lab, c));
      }
      if (i % 4 === 0) bareNode.push((await runProcess(process.execPath, ['-e', ''])).ms);
      i++;
    }
  }

  const all = (key: 'cold' | 'cli' | 'delv'): number[] => [...per.values()].flatMap((p) => p[key]);
  const perQuestionMedian = (key: 'cold' | 'cli' | 'delv'): number[] => [...per.values()].map((p) => median(p[key]));
  const cold = all('cold');
  const cliMs = all('cli');
  const delvMs = all('delv');
  const coldQ = [...per.values()].map((p) => p.coldQueries);
  const coldRt = [...per.values()].map((p) => p.coldRoundTrips);
  console.log(
    `cold-validate in-process project=${ms(median(cold))}/${ms(p90(cold))}ms queries/question=${one(avg(coldQ))} (${Math.min(...coldQ)}-${Math.max(...coldQ)}) ` +
      `round-trips/question=${one(avg(coldRt))} (${Math.min(...coldRt)}-${Math.max(...coldRt)}); unbound cold: skipped (${unboundColdSkipReason(lab)})`,
  );
  console.log(`cold-process project-cli=${ms(median(cliMs))}/${ms(p90(cliMs))}ms delv=${ms(median(delvMs))}/${ms(p90(delvMs))}ms ratio=${ratio(median(delvMs) / median(cliMs))} (delv/project, median)`);
  console.log(`cold-inprocess-vs-delv project=${ms(median(cold))}ms delv=${ms(median(delvMs))}ms ratio=${ratio(median(delvMs) / median(cold))} (delv/project, median)`);
  console.log(`#   process startup: node -e '' = ${ms(median(bareNode))}ms median of ${bareNode.length} (part of every project-cli number); cli minus startup = ${ms(median(cliMs) - median(bareNode))}ms`);
  console.log(`#   per question medians of the per-question medians: cold in-process=${ms(median(perQuestionMedian('cold')))}ms cli=${ms(median(perQuestionMedian('cli')))}ms delv=${ms(median(perQuestionMedian('delv')))}ms`);
  console.log('# per question: cold in-process median/p90 ms, network queries and round trips; warm (cache off) queries and round trips; cli and delv medians (ms)');
  for (const [c, p] of per) {
    console.log(
      `question ${c.qname} ${c.qtype} ${c.expected} cold=${ms(median(p.cold))}/${ms(p90(p.cold))} queries=${p.coldQueries} round-trips=${p.coldRoundTrips} ` +
        `warm-nocache-queries=${p.nocacheQueries} round-trips=${p.nocacheRoundTrips} cli=${ms(median(p.cli))} delv=${ms(median(p.delv))} (n=${p.cold.length}/${p.cli.length})`,
    );
  }
  console.log(`# total ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

/**
 * Why a cold Unbound cannot be measured: that needs `unbound-control flush_zone .` (and flush_infra all) between
 * questions, and the lab runs Unbound with remote-control disabled (test/lab/daemons.mjs).
 */
function unboundColdSkipReason(lab: LabEnv): string {
  let conf = '';
  try {
    conf = readFileSync(lab.unboundConf, 'utf8');
  } catch {
    return `cannot read ${lab.unboundConf}`;
  }
  if (/control-enable:\s*no/.test(conf)) return 'the lab Unbound has remote-control disabled, so its cache cannot be flushed between questions';
  return 'flushing Unbound between questions is not implemented here';
}

async function main(): Promise<number> {
  if (!existsSync(CLI)) throw new BenchAbort(`${CLI} is missing: run npm run build first`);
  const t0 = performance.now();
  const startOut = labctl(ROOT, ['start', '--user', LAB_USER]);
  const reused = /lab reused/.test(startOut.stderr);
  const lab = JSON.parse(startOut.stdout) as LabEnv;
  console.log(`# lab ${reused ? 'already running (reused; left running)' : 'started by this run (stopped at the end)'} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  try {
    const cases = (JSON.parse(readFileSync(lab.casesFile, 'utf8')) as { cases: LabCase[] }).cases;
    const questions = QUESTIONS.map((name) => {
      const c = cases.find((x) => x.name === name);
      if (!c) throw new BenchAbort(`lab case ${name} is not in ${lab.casesFile}`);
      return c;
    });
    await bench(lab, questions);
    return 0;
  } finally {
    // Only a lab this run started is stopped, and labctl still leaves it up while another live user holds it.
    // A reused lab keeps our user entry, which labctl drops once this process is gone (the id ends in our pid).
    if (!reused) labctl(ROOT, ['stop', '--user', LAB_USER]);
  }
}

runBench('bench:validate', main);
