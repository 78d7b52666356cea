/**
 * A temporary Unbound on loopback for tests: generated config in a temp dir,
 * local zones only (no root hints, never leaves 127.0.0.1), optional DNS over
 * TLS and DNS over HTTPS with a test CA made with the openssl CLI.
 *
 *   const ub = await startUnbound({ localData: ['a.test. 300 IN A 192.0.2.1'], tls: true });
 *   ... ub.server, ub.tlsServer, ub.caFile, ub.tlsServerName ...
 *   await ub.stop();
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ServerAddress } from '../../src/resolver/transport.js';

const execFileP = promisify(execFile);

export const UNBOUND_BIN = process.env['UNBOUND'] ?? '/usr/sbin/unbound';
/** The name in the test server certificate (plus IP 127.0.0.1). */
export const TEST_TLS_NAME = 'resolver.test';
const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;

export interface UnboundFixtureOptions {
  /** `local-zone:` values, e.g. 'test. static'. Default: ['test. static']. */
  localZones?: string[];
  /** `local-data:` RRs in presentation form. */
  localData?: string[];
  /** Serve DNS over TLS (tls-port) with a test CA. */
  tls?: boolean;
  /** Serve DNS over HTTPS (https-port, HTTP/2, path /dns-query); implies the test CA. */
  https?: boolean;
  /** Extra lines for the server: clause, verbatim. */
  extraServerConfig?: string[];
  /** Extra top-level clauses (auth-zone:, stub-zone:, ...), verbatim, after server:. */
  extraConfig?: string[];
  /**
   * Answer names outside the local zones with NXDOMAIN (`local-zone: "." static`)
   * so Unbound never tries to recurse. Default true.
   */
  rootStatic?: boolean;
}

export interface UnboundFixture {
  readonly dir: string;
  /** Plain DNS (UDP and TCP). */
  readonly server: ServerAddress;
  readonly tlsServer?: ServerAddress;
  readonly httpsServer?: ServerAddress;
  /** https://127.0.0.1:<port>/dns-query */
  readonly httpsUrl?: string;
  /** PEM of the test CA (present with tls or https). */
  readonly caFile?: string;
  readonly tlsServerName: string;
  /** Unbound's log so far (stderr). */
  log(): string;
  stop(): Promise<void>;
}

/** A loopback port free for both UDP and TCP at the time of the call. */
export async function freePort(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = createServer();
      srv.once('error', reject);
      srv.listen(0, '127.0.0.1', () => {
        const addr = srv.address();
        srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
      });
    });
    const udpFree = await new Promise<boolean>((resolve) => {
      const s = createSocket('udp4');
      s.once('error', () => {
        s.close();
        resolve(false);
      });
      s.bind(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (udpFree) return port;
  }
  throw new Error('no free loopback port found after 50 tries');
}

export interface TestCa {
  caFile: string;
  certFile: string;
  keyFile: string;
}

/** Makes a CA and a server certificate for `names` (DNS) and 127.0.0.1 with the openssl CLI. */
export async function makeTestCa(dir: string, names: string[] = [TEST_TLS_NAME]): Promise<TestCa> {
  const caKey = join(dir, 'ca.key');
  const caFile = join(dir, 'ca.pem');
  const keyFile = join(dir, 'server.key');
  const csr = join(dir, 'server.csr');
  const certFile = join(dir, 'server.pem');
  const ext = join(dir, 'server.ext');
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  const run = async (args: string[]): Promise<void> => {
    try {
      await execFileP('openssl', args, { timeout: 20_000 });
    } catch (e) {
      throw new Error(`openssl ${args[0]} failed (is the openssl CLI installed?): ${(e as Error).message}`);
    }
  };
  await run(['req', '-x509', ...ec, '-keyout', caKey, '-out', caFile, '-days', '2', '-subj', '/CN=dnssec-stub test CA']);
  await run(['req', ...ec, '-keyout', keyFile, '-out', csr, '-subj', `/CN=${names[0] ?? TEST_TLS_NAME}`]);
  const san = [...names.map((n) => `DNS:${n}`), 'IP:127.0.0.1'].join(',');
  await writeFile(ext, `subjectAltName=${san}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`);
  await run(['x509', '-req', '-in', csr, '-CA', caFile, '-CAkey', caKey, '-CAcreateserial', '-out', certFile, '-days', '2', '-extfile', ext]);
  return { caFile, certFile, keyFile };
}

function quote(s: string): string {
  if (/["\n]/.test(s) && /['\n]/.test(s)) throw new Error(`cannot quote ${s} for unbound.conf`);
  return s.includes('"') ? `'${s}'` : `"${s}"`;
}

/** Starts Unbound and waits until it serves; rejects with its log if it does not. */
export async function startUnbound(opts: UnboundFixtureOptions = {}): Promise<UnboundFixture> {
  if (!existsSync(UNBOUND_BIN)) {
    throw new Error(`Unbound not found at ${UNBOUND_BIN}: install it (apt-get install unbound) or set UNBOUND=/path/to/unbound`);
  }
  let lastError: Error | undefined;
  // A port found free may be taken before Unbound binds it: retry with new ports.
  for (let tryNo = 0; tryNo < 3; tryNo++) {
    try {
      return await startOnce(opts);
    } catch (e) {
      lastError = e as Error;
      if (!/could not open ports|bind|address already in use/i.test(lastError.message)) throw lastError;
    }
  }
  throw lastError ?? new Error('Unbound did not start');
}

async function startOnce(opts: UnboundFixtureOptions): Promise<UnboundFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'dnssec-stub-unbound-'));
  let child: ChildProcess | undefined;
  try {
    const port = await freePort();
    const tlsPort = opts.tls ? await freePort() : undefined;
    const httpsPort = opts.https ? await freePort() : undefined;
    const ca = tlsPort !== undefined || httpsPort !== undefined ? await makeTestCa(dir) : undefined;
    const lines = [
      'server:',
      `  interface: 127.0.0.1@${port}`,
      ...(tlsPort !== undefined ? [`  interface: 127.0.0.1@${tlsPort}`, `  tls-port: ${tlsPort}`] : []),
      ...(httpsPort !== undefined ? [`  interface: 127.0.0.1@${httpsPort}`, `  https-port: ${httpsPort}`] : []),
      ...(ca ? [`  tls-service-key: ${quote(ca.keyFile)}`, `  tls-service-pem: ${quote(ca.certFile)}`] : []),
      '  do-daemonize: no',
      '  chroot: ""',
      '  username: ""',
      `  directory: ${quote(dir)}`,
      `  pidfile: ${quote(join(dir, 'unbound.pid'))}`,
      '  use-syslog: no',
      '  logfile: ""',
      '  verbosity: 1',
      '  num-threads: 1',
      '  so-reuseport: no',
      '  do-ip6: no',
      '  module-config: "iterator"',
      '  access-control: 127.0.0.0/8 allow',
      ...((opts.rootStatic ?? true) ? ['  local-zone: "." static'] : []),
      ...(opts.localZones ?? ['test. static']).map((z) => {
        const [name, type] = z.split(/\s+/);
        return `  local-zone: ${quote(name ?? '')} ${type ?? 'static'}`;
      }),
      ...(opts.localData ?? []).map((rr) => `  local-data: ${quote(rr)}`),
      ...(opts.extraServerConfig ?? []).map((l) => `  ${l}`),
      ...(opts.extraConfig ?? []),
      'remote-control:',
      '  control-enable: no',
      '',
    ];
    const confFile = join(dir, 'unbound.conf');
    await writeFile(confFile, lines.join('\n'));
    const proc = spawn(UNBOUND_BIN, ['-d', '-c', confFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    let log = '';
    proc.stdout.on('data', (d: Buffer) => (log += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (log += d.toString()));
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    proc.once('error', (e) => (log += `\nspawn error: ${e.message}`));

    await new Promise<void>((resolve, reject) => {
      const deadline = setTimeout(() => finish(new Error(`Unbound did not start within ${START_TIMEOUT_MS} ms:\n${log}`)), START_TIMEOUT_MS);
      const poll = setInterval(() => {
        if (log.includes('start of service')) finish();
      }, 20);
      void exited.then((code) => finish(new Error(`Unbound exited (code ${code}) while starting:\n${log}`)));
      let done = false;
      function finish(err?: Error): void {
        if (done) return;
        done = true;
        clearTimeout(deadline);
        clearInterval(poll);
        if (err) reject(err);
        else resolve();
      }
    });

    let stopped = false;
    const fixture: UnboundFixture = {
      dir,
      server: { host: '127.0.0.1', port },
      ...(tlsPort !== undefined ? { tlsServer: { host: '127.0.0.1', port: tlsPort } } : {}),
      ...(httpsPort !== undefined
        ? { httpsServer: { host: '127.0.0.1', port: httpsPort }, httpsUrl: `https://127.0.0.1:${httpsPort}/dns-query` }
        : {}),
      ...(ca ? { caFile: ca.caFile } : {}),
      tlsServerName: TEST_TLS_NAME,
      log: () => log,
      async stop() {
        if (stopped) return;
        stopped = true;
        await stopProcess(proc, exited);
        await rm(dir, { recursive: true, force: true });
      },
    };
    return fixture;
  } catch (e) {
    if (child) await stopProcess(child, new Promise((r) => (child!.exitCode !== null ? r(null) : child!.once('exit', r))));
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
}

async function stopProcess(proc: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  proc.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const killed = await Promise.race([
    exited.then(() => false),
    new Promise<boolean>((r) => (timer = setTimeout(() => r(true), STOP_TIMEOUT_MS))),
  ]);
  clearTimeout(timer);
  if (killed) {
    proc.kill('SIGKILL');
    await exited;
  }
}
