/**
 * The competitor of `npm run bench:bulk`: Unbound as a validating forwarder in front of the lab's Unbound (the same
 * upstream dnssec-stub asks), one thread, aggressive NSEC on (RFC 8198), caches large enough never to evict during a
 * run, logging off. It listens on <lab net>.0.54:53 (inside the lab's /16, so checkouts with their own
 * DNSSEC_LAB_NET never collide), runs from <lab run dir>/bulk-forwarder and is stopped by the pid it wrote.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Forwarder {
  readonly address: string;
  readonly port: number;
  readonly conf: string;
  stop(): void;
}

const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 10_000;
const TOOL_ENV = { ...process.env, PATH: `${process.env['PATH'] ?? ''}:/usr/sbin:/sbin` };

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

function readPid(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  return Number.isInteger(pid) && pid > 1 ? pid : undefined;
}

function stopPid(pidfile: string): void {
  const pid = readPid(pidfile);
  if (pid === undefined || !alive(pid)) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (alive(pid) && Date.now() < deadline) sleep(50);
  if (alive(pid)) process.kill(pid, 'SIGKILL');
}

/** Unbound's "best settings" for a one-thread validating forwarder (unbound.conf(5)). */
export function forwarderConfig(o: { dir: string; address: string; port: number; upstream: string; upstreamPort: number; anchorFile: string }): string {
  return [
    'server:',
    '  verbosity: 0',
    '  num-threads: 1',
    `  interface: ${o.address}@${o.port}`,
    '  interface-automatic: no',
    '  so-reuseport: no',
    '  do-ip4: yes',
    '  do-ip6: no',
    '  access-control: 127.0.0.0/8 allow',
    '  username: ""',
    '  chroot: ""',
    `  directory: "${o.dir}"`,
    `  pidfile: "${join(o.dir, 'unbound.pid')}"`,
    '  use-syslog: no',
    `  logfile: "${join(o.dir, 'unbound.log')}"`,
    `  trust-anchor-file: "${o.anchorFile}"`,
    '  module-config: "validator iterator"',
    '  do-not-query-localhost: no',
    // RFC 8198: synthesise NXDOMAIN/NODATA from validated NSEC.
    '  aggressive-nsec: yes',
    // Throughput: many queries in flight, caches that never evict during a run, no logging.
    '  num-queries-per-thread: 4096',
    '  outgoing-range: 8192',
    '  msg-cache-size: 256m',
    '  rrset-cache-size: 512m',
    '  key-cache-size: 64m',
    '  neg-cache-size: 64m',
    '  minimal-responses: yes',
    '  qname-minimisation: no',
    '  prefetch: no',
    '  val-log-level: 0',
    '  log-servfail: no',
    '  statistics-interval: 0',
    '  extended-statistics: no',
    'forward-zone:',
    '  name: "."',
    `  forward-addr: ${o.upstream}@${o.upstreamPort}`,
    'remote-control:',
    '  control-enable: no',
    '',
  ].join('\n');
}

/** Starts the forwarder (replacing one a previous run of this checkout left behind). */
export function startForwarder(o: { runDir: string; net: string; upstream: string; upstreamPort: number; anchorFile: string }): Forwarder {
  const dir = join(o.runDir, 'bulk-forwarder');
  const address = `${o.net}.0.54`;
  const port = 53;
  const pidfile = join(dir, 'unbound.pid');
  stopPid(pidfile);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const conf = join(dir, 'unbound.conf');
  writeFileSync(conf, forwarderConfig({ dir, address, port, upstream: o.upstream, upstreamPort: o.upstreamPort, anchorFile: o.anchorFile }));
  const check = spawnSync('unbound-checkconf', [conf], { encoding: 'utf8', env: TOOL_ENV });
  if (check.status !== 0) throw new Error(`unbound-checkconf ${conf}: ${(check.stderr || check.stdout || String(check.error)).trim()}`);
  const run = spawnSync('unbound', ['-c', conf], { encoding: 'utf8', env: TOOL_ENV });
  if (run.status !== 0) throw new Error(`unbound -c ${conf} exited ${run.status}: ${(run.stderr || run.stdout || String(run.error)).trim()}`);
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const pid = readPid(pidfile);
    if (pid !== undefined && alive(pid)) break;
    if (Date.now() > deadline) {
      const log = join(dir, 'unbound.log');
      throw new Error(`the Unbound forwarder did not start: ${existsSync(log) ? readFileSync(log, 'utf8').slice(-800) : '(no log)'}`);
    }
    sleep(100);
  }
  return { address, port, conf, stop: () => stopPid(pidfile) };
}
