/**
 * Mail report benchmark: `npm run bench:mail`.
 *
 * Starts (or joins) the DNSSEC lab and builds the mail report of 1,000 distinct lab domains (bulk.lab.: d0000 to
 * d0999, each an MX to one host with TLSA, SPF and DMARC):
 *   project = checkMail() in-process, 8 domains at a time (the CLI's --from default), one validator and one
 *             network source (UDP, CD=1) for the run, through the lab Unbound;
 *   delv    = the same report assembled from BIND 9.18 delv runs, one process per question (MX, A, AAAA, TLSA,
 *             TXT, _dmarc, _mta-sts, _smtp._tls TXT: 8 per domain), 2 domains at a time with each domain's questions in
 *             parallel as the project asks them (up to 10 processes), on a sample of the
 *             domains (a process per question costs about 50 ms; the sample keeps the run short). The DANE
 *             verdict of each sampled domain comes from the same pure function (decideHost) fed with delv's
 *             statuses, and must equal the project's.
 * Both sides reach the lab Unbound through a counting UDP relay on 127.0.0.1 (a fault injector that injects no
 * fault), so "upstream queries per domain" is counted the same way for both. Unbound's cache is warmed first by
 * a separate validator, so both sides ask a warm resolver. Every report is checked (secure, DANE required);
 * a wrong one aborts the run.
 */
import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { cpus } from 'node:os';
import { loadTrustAnchorFile } from '../src/dnssec/anchors.js';
import { checkMail } from '../src/mail/check-mail.js';
import { decideHost } from '../src/mail/dane.js';
import type { DaneVerdict, LookupStatus } from '../src/mail/types.js';
import { createNetworkSource } from '../src/resolver/network-source.js';
import { createValidator } from '../src/validator/validator.js';
import { BenchAbort, TOOL_ENV, labctl, packageRoot, runBench } from './_lab.js';

const DOMAINS = Array.from({ length: 1000 }, (_, i) => `d${String(i).padStart(4, '0')}.bulk.lab.`);
const CONCURRENCY = 8;
const DELV_SAMPLE = Number(process.env['BENCH_MAIL_DELV_SAMPLE'] ?? 50);
const PROCESS_TIMEOUT_MS = 30_000;

const ROOT = packageRoot(import.meta.url);
const LAB_USER = `bench-mail-${process.pid}`;

interface LabEnv {
  readonly resolver: { readonly address: string; readonly port: number };
  readonly anchors: { readonly ds: string; readonly delv: string };
}


/** A UDP relay on 127.0.0.1 (ephemeral port) to the lab Unbound that counts the queries it passes. */
async function countingRelay(target: { address: string; port: number }): Promise<{ port: number; queries: () => number; close: () => void }> {
  const front = createSocket('udp4');
  let queries = 0;
  front.on('message', (msg, client) => {
    queries++;
    const back = createSocket('udp4');
    const timer = setTimeout(() => back.close(), 5_000);
    back.on('message', (answer) => {
      clearTimeout(timer);
      front.send(answer, client.port, client.address);
      back.close();
    });
    back.on('error', () => back.close());
    back.send(msg, target.port, target.address);
  });
  await new Promise<void>((resolve) => front.bind(0, '127.0.0.1', resolve));
  return { port: front.address().port, queries: () => queries, close: () => front.close() };
}

/** Runs `fn` over `items`, `n` at a time. */
async function pool<T>(items: readonly T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

interface ProjectRun {
  readonly seconds: number;
  readonly queries: number;
  readonly verdicts: ReadonlyMap<string, DaneVerdict>;
}

async function project(lab: LabEnv, relayPort: number, relayQueries: () => number, domains: readonly string[], passes: number): Promise<ProjectRun[]> {
  const source = createNetworkSource({ servers: [{ host: '127.0.0.1', port: relayPort }], timeoutMs: 3_000 });
  const validator = createValidator({ source, trustAnchors: loadTrustAnchorFile(lab.anchors.ds, Math.floor(Date.now() / 1000)), resultCacheSize: 50_000 });
  const runs: ProjectRun[] = [];
  try {
    for (let p = 0; p < passes; p++) {
      const verdicts = new Map<string, DaneVerdict>();
      const q0 = relayQueries();
      const t0 = performance.now();
      await pool(domains, CONCURRENCY, async (d) => {
        const r = await checkMail(d, { validator });
        if (r.status !== 'secure' || r.hosts.length !== 1 || r.hosts[0]!.dane !== 'required') {
          throw new BenchAbort(`${d}: the report is ${r.status} ${r.hosts.map((h) => `${h.name}=${h.dane}`).join(' ')}: ${r.summary}`);
        }
        verdicts.set(d, r.hosts[0]!.dane);
      });
      runs.push({ seconds: (performance.now() - t0) / 1000, queries: relayQueries() - q0, verdicts });
    }
  } finally {
    await source.close();
  }
  return runs;
}

function runProcess(cmd: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve) => {
    execFile(cmd, [...args], { encoding: 'utf8', timeout: PROCESS_TIMEOUT_MS, env: TOOL_ENV }, (_err, stdout, stderr) => resolve(`${stdout}\n${stderr}`));
  });
}

/** delv's verdict from its comment lines (as test/lab/lab.ts reads them). */
function delvStatus(output: string): LookupStatus {
  const lines = output.split('\n');
  const failed = lines.find((l) => l.startsWith(';; resolution failed'));
  if (failed !== undefined && !/ncache/.test(failed)) return /timed out|connection refused|unreachable/i.test(failed) ? 'error' : 'bogus';
  const statuses = lines.filter((l) => /^; (negative response, )?(fully validated|unsigned answer)/.test(l));
  if (statuses.length === 0) return 'error';
  return statuses.some((l) => l.includes('unsigned answer')) ? 'insecure' : 'secure';
}

/** The same report from delv processes, one per question; returns the host's DANE verdict. */
async function delvReport(lab: LabEnv, relayPort: number, domain: string): Promise<DaneVerdict> {
  const ask = async (name: string, type: string): Promise<{ status: LookupStatus; out: string }> => {
    const out = await runProcess('delv', ['@127.0.0.1', '-p', String(relayPort), '-a', lab.anchors.delv, '+root=.', '+cdflag', name, type]);
    return { status: delvStatus(out), out };
  };
  const [mx] = await Promise.all([ask(domain, 'MX'), ask(domain, 'TXT'), ask(`_dmarc.${domain}`, 'TXT'), ask(`_mta-sts.${domain}`, 'TXT'), ask(`_smtp._tls.${domain}`, 'TXT')]);
  const exchange = /\sMX\s+\d+\s+(\S+)/.exec(mx.out)?.[1];
  if (mx.status !== 'secure' || !exchange) throw new BenchAbort(`delv: ${domain} MX is ${mx.status}:\n${mx.out.trim()}`);
  const [a, aaaa, tlsa] = await Promise.all([ask(exchange, 'A'), ask(exchange, 'AAAA'), ask(`_25._tcp.${exchange}`, 'TLSA')]);
  const m = /\sTLSA\s+(\d+)\s+(\d+)\s+(\d+)\s+([0-9A-Fa-f\s]+)/.exec(tlsa.out);
  const records = m ? [{ usage: Number(m[1]), selector: Number(m[2]), matchingType: Number(m[3]), data: m[4]!.replace(/\s+/g, '').toLowerCase(), usable: true, problem: null }] : [];
  const addressStatus: LookupStatus = [a.status, aaaa.status].includes('bogus') ? 'bogus' : [a.status, aaaa.status].includes('insecure') ? 'insecure' : 'secure';
  const addressCount = [a.out, aaaa.out].reduce((n, o) => n + (o.match(/\sIN\s+(A|AAAA)\s+\S/g)?.length ?? 0), 0);
  return decideHost({ mxStatus: mx.status, addressStatus, addressCount, tlsa: [{ name: `_25._tcp.${exchange}`, status: tlsa.status, records }] }).dane;
}

async function main(): Promise<number> {
  const t0 = performance.now();
  const startOut = labctl(ROOT, ['start', '--user', LAB_USER]);
  const reused = /lab reused/.test(startOut.stderr);
  const lab = JSON.parse(startOut.stdout) as LabEnv;
  console.log(`# lab ${reused ? 'already running (reused; left running)' : 'started by this run (stopped at the end)'} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const relay = await countingRelay(lab.resolver);
  try {
    console.log(
      `# mail benchmark: ${DOMAINS.length} distinct lab domains (bulk.lab.), reports with MX, A, AAAA, TLSA, SPF, DMARC, MTA-STS, TLS-RPT; ` +
        `${cpus().length}-core ${cpus()[0]?.model.trim() ?? '?'}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}; shared machine: compare the ratios of one run`,
    );
    console.log(`# both sides ask the lab Unbound (warmed first) through a counting UDP relay; ${CONCURRENCY} domains in flight (project), 2 domains with their questions in parallel (delv, up to 10 processes)`);
    await project(lab, relay.port, relay.queries, DOMAINS, 1); // warms Unbound's cache
    const [cold] = await project(lab, relay.port, relay.queries, DOMAINS, 1);
    const sample = DOMAINS.slice(0, DELV_SAMPLE);
    const q0 = relay.queries();
    const t1 = performance.now();
    const delvVerdicts = new Map<string, DaneVerdict>();
    await pool(sample, 2, async (d) => {
      delvVerdicts.set(d, await delvReport(lab, relay.port, d));
    });
    const delvSeconds = (performance.now() - t1) / 1000;
    const delvQueries = relay.queries() - q0;
    for (const d of sample) {
      if (delvVerdicts.get(d) !== cold!.verdicts.get(d)) throw new BenchAbort(`${d}: delv's report gives ${delvVerdicts.get(d)}, the project's ${cold!.verdicts.get(d)}`);
    }
    const rate = (n: number, s: number): string => (n / s).toFixed(1);
    const coldRate = DOMAINS.length / cold!.seconds;
    const delvRate = sample.length / delvSeconds;
    console.log(`project new-validator domains=${DOMAINS.length} time=${cold!.seconds.toFixed(2)}s domains/s=${rate(DOMAINS.length, cold!.seconds)} queries/domain=${(cold!.queries / DOMAINS.length).toFixed(2)}`);
    console.log(`delv process-per-question domains=${sample.length} (sample) processes/domain=8 time=${delvSeconds.toFixed(2)}s domains/s=${rate(sample.length, delvSeconds)} queries/domain=${(delvQueries / sample.length).toFixed(2)}`);
    console.log(`ratio project/delv domains/s=${(coldRate / delvRate).toFixed(1)} queries/domain delv/project=${(delvQueries / sample.length / (cold!.queries / DOMAINS.length)).toFixed(1)}`);
    console.log(`# every report secure with DANE required; delv's DANE verdict (decideHost over delv's statuses) = the project's on all ${sample.length} sampled domains`);
    return 0;
  } finally {
    relay.close();
    if (!reused) labctl(ROOT, ['stop', '--user', LAB_USER]);
  }
}

runBench('bench:mail', main);
