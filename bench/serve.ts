/**
 * `npm run bench:serve`: dnssec-stub serve against an Unbound validating forwarder, both in front of the same
 * upstream (the DNSSEC lab's Unbound, test/lab), loaded by the same generator (dnsperf, Debian package), over
 *   distinct: names nobody asked before — wildcard answers n<i>.wild.deny.lab (NSEC) and n<i>.wild.deny3.lab
 *             (NSEC3), NXDOMAINs x<i>.deny.lab and x<i>.deny3.lab — so every query is a new validation
 *             (the prefix is new per run and per target, so the upstream's cache favours neither);
 *   warm:     16 mail and algorithm questions (MX, TLSA, TXT, A), asked over and over after a warm-up pass.
 * Both targets run as their own processes (node dist/src/cli/main.js serve; unbound -d), one thread each.
 * Each workload is measured in rounds that alternate the order of the two targets; the figures are medians over
 * the rounds and the ratio is the median of the per-round ratios (load from elsewhere hits both alike).
 * Queries per second from dnsperf; p50/p99 from its per-query latencies (-v). Answers other than NOERROR or
 * NXDOMAIN abort the run.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BenchAbort, TOOL_ENV, labctl, packageRoot, runBench } from './_lab.js';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 6);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 2);
/** Queries outstanding (dnsperf -q). */
const OUTSTANDING = 20;

const WARM = [
  'mail.lab MX', 'mx1.mail.lab A', '_25._tcp.mx1.mail.lab TLSA', 'mail.lab TXT', '_dmarc.mail.lab TXT',
  'www.alg8.lab A', 'www.alg10.lab A', 'www.alg13.lab A', 'www.alg14.lab A', 'www.alg15.lab A', 'www.alg16.lab A',
  'www.lab A', 'www.lab3 A', 'www.n3salt.lab A', 'unsigned.lab MX', 'www.sec.lab3 A',
];

const ROOT = packageRoot(import.meta.url);
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const LAB_USER = `bench-serve-${process.pid}`;


function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

interface Target {
  readonly name: string;
  readonly port: number;
  readonly proc: ChildProcess;
}

function waitFor(proc: ChildProcess, text: RegExp, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new BenchAbort(`${what} did not start: ${out}`)), 20_000);
    const on = (d: Buffer): void => {
      out += d.toString();
      if (text.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    proc.stdout?.on('data', on);
    proc.stderr?.on('data', on);
    proc.once('exit', (code) => reject(new BenchAbort(`${what} exited ${code}: ${out}`)));
  });
}

async function startServe(upstream: string, anchor: string): Promise<Target> {
  const port = await freePort();
  const proc = spawn(process.execPath, [CLI, 'serve', '--listen', `127.0.0.1:${port}`, '--server', upstream, '--trust-anchor', anchor], { stdio: ['ignore', 'pipe', 'pipe'] });
  await waitFor(proc, /ready on/, 'dnssec-stub serve');
  return { name: 'serve', port, proc };
}

async function startUnbound(dir: string, upstream: string, anchor: string): Promise<Target> {
  const port = await freePort();
  const [host, upPort] = upstream.split(':');
  const conf = join(dir, 'unbound.conf');
  writeFileSync(
    conf,
    [
      'server:', `  interface: 127.0.0.1@${port}`, '  do-daemonize: no', '  chroot: ""', '  username: ""', `  directory: "${dir}"`,
      '  pidfile: ""', '  use-syslog: no', '  logfile: ""', '  verbosity: 1', '  num-threads: 1', '  so-reuseport: no', '  do-ip6: no',
      '  module-config: "validator iterator"', `  trust-anchor-file: "${anchor}"`, '  do-not-query-localhost: no',
      '  access-control: 127.0.0.0/8 allow', 'forward-zone:', '  name: "."', `  forward-addr: ${host}@${upPort}`,
      'remote-control:', '  control-enable: no', '',
    ].join('\n'),
  );
  const proc = spawn('unbound', ['-d', '-c', conf], { stdio: ['ignore', 'pipe', 'pipe'], env: TOOL_ENV });
  await waitFor(proc, /start of service/, 'unbound');
  return { name: 'unbound', port, proc };
}

interface Run {
  readonly qps: number;
  readonly p50: number;
  readonly p99: number;
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? Number.NaN;
}
const median = (v: readonly number[]): number => quantile([...v].sort((a, b) => a - b), 0.5);

function dnsperf(t: Target, file: string): Run {
  const r = spawnSync('dnsperf', ['-s', '127.0.0.1', '-p', String(t.port), '-d', file, '-l', String(SECONDS), '-q', String(OUTSTANDING), '-t', '5', '-v'], {
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
    timeout: (SECONDS + 30) * 1000,
  });
  if (r.status !== 0) throw new BenchAbort(`dnsperf against ${t.name} failed: ${r.stderr}`);
  const latencies: number[] = [];
  for (const line of r.stdout.split('\n')) {
    const m = /^> (\S+) \S+ \S+ ([\d.]+)$/.exec(line);
    if (!m) continue;
    if (m[1] !== 'NOERROR' && m[1] !== 'NXDOMAIN') throw new BenchAbort(`${t.name} answered ${line}`);
    latencies.push(Number(m[2]) * 1000);
  }
  const qps = Number(/Queries per second:\s+([\d.]+)/.exec(r.stdout)?.[1]);
  const lost = Number(/Queries lost:\s+(\d+)/.exec(r.stdout)?.[1] ?? 0);
  if (!Number.isFinite(qps) || latencies.length === 0) throw new BenchAbort(`no dnsperf result for ${t.name}: ${r.stdout.slice(-500)}`);
  if (lost > latencies.length / 100) throw new BenchAbort(`${t.name} lost ${lost} queries`);
  latencies.sort((a, b) => a - b);
  return { qps, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99) };
}

function distinctFile(dir: string, tag: string): string {
  const lines: string[] = [];
  for (let i = 0; i < 400_000; i++) {
    const zone = i % 4 < 2 ? 'deny.lab' : 'deny3.lab';
    lines.push(i % 2 === 0 ? `n${tag}-${i}.wild.${zone} A` : `x${tag}-${i}.${zone} A`);
  }
  const file = join(dir, `distinct-${tag}.txt`);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

const fmt = (n: number): string => (n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : n.toFixed(0));

async function main(): Promise<number> {
  if (!existsSync(CLI)) throw new BenchAbort(`${CLI} is missing: run npm run build first`);
  const start = labctl(ROOT, ['start', '--user', LAB_USER]);
  const reused = /lab reused/.test(start.stderr);
  const lab = JSON.parse(start.stdout) as { resolver: { address: string; port: number }; anchors: { ds: string } };
  const dir = mkdtempSync(join(tmpdir(), 'dnssec-stub-bench-serve-'));
  const targets: Target[] = [];
  try {
    const upstream = `${lab.resolver.address}:${lab.resolver.port}`;
    targets.push(await startServe(upstream, lab.anchors.ds), await startUnbound(dir, upstream, lab.anchors.ds));
    const warmFile = join(dir, 'warm.txt');
    writeFileSync(warmFile, WARM.join('\n') + '\n');
    console.log(`# bench:serve — dnssec-stub serve vs Unbound ${spawnSync('unbound', ['-V'], { encoding: 'utf8', env: TOOL_ENV }).stdout.split('\n')[0]?.replace('Version ', '') ?? ''} validating forwarder`);
    console.log(`# same upstream ${upstream} (lab Unbound), dnsperf -q ${OUTSTANDING}, ${SECONDS} s per run, ${ROUNDS} rounds (alternating order), medians`);
    for (const t of targets) dnsperf({ ...t }, warmFile); // warm-up pass for the warm set
    console.log('workload  | serve q/s | unbound q/s | ratio serve/unbound | serve p50 / p99 ms | unbound p50 / p99 ms');
    console.log('--- | --- | --- | --- | --- | ---');
    for (const workload of ['distinct', 'warm'] as const) {
      const runs: Record<string, Run[]> = { serve: [], unbound: [] };
      const ratios: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const order = round % 2 === 0 ? targets : [...targets].reverse();
        const got: Record<string, Run> = {};
        for (const t of order) {
          const file = workload === 'warm' ? warmFile : distinctFile(dir, `${t.name}${round}${process.pid}`);
          got[t.name] = dnsperf(t, file);
          runs[t.name]!.push(got[t.name]!);
        }
        ratios.push(got['serve']!.qps / got['unbound']!.qps);
      }
      const m = (name: string, k: keyof Run): number => median(runs[name]!.map((r) => r[k]));
      console.log(
        `${workload} | ${fmt(m('serve', 'qps'))} | ${fmt(m('unbound', 'qps'))} | ${median(ratios).toFixed(2)} | ${fmt(m('serve', 'p50'))} / ${fmt(m('serve', 'p99'))} | ${fmt(m('unbound', 'p50'))} / ${fmt(m('unbound', 'p99'))}`,
      );
    }
    return 0;
  } finally {
    for (const t of targets) t.proc.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
    if (!reused) labctl(ROOT, ['stop', '--user', LAB_USER]);
  }
}

runBench('bench:serve', main);
