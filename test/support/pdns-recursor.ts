/**
 * A temporary PowerDNS Recursor (Debian package pdns-recursor) on
 * 127.0.0.1 at a free port, configured in a temp dir, run in the
 * foreground by its pid (the packaged service is never started). Used by the
 * doctor tests as a resolver with `dnssec=off`: it ignores DO and passes no
 * DNSSEC records (PowerDNS Recursor settings: dnssec).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerAddress } from '../../src/resolver/transport.js';
import { encodeQuery, parseMessage } from '../../src/wire/message.js';
import { nameFromText } from '../../src/wire/name.js';
import { RRType } from '../../src/wire/rrtype.js';
import { udpTry } from '../../src/resolver/udp.js';
import { newStats } from '../../src/resolver/transport.js';
import { freePort } from '../resolver/unbound-fixture.js';

export const PDNS_RECURSOR_BIN = '/usr/sbin/pdns_recursor';
/** Readiness: tries of a `. NS` query, each waiting longer. */
const START_TRIES = 40;
const START_DEADLINE_MS = 60_000;

export interface PdnsRecursor {
  readonly server: ServerAddress;
  log(): string;
  stop(): Promise<void>;
}

export function pdnsUnavailableReason(): string | null {
  return existsSync(PDNS_RECURSOR_BIN) ? null : `${PDNS_RECURSOR_BIN} missing (apt package pdns-recursor)`;
}

/** Starts a recursor that resolves from `hintFile` (root hints) with the given `dnssec` mode. */
export async function startPdnsRecursor(opts: { hintFile: string; dnssec: 'off' | 'process-no-validate' | 'validate' }): Promise<PdnsRecursor> {
  const dir = await mkdtemp(join(tmpdir(), 'dnssec-stub-pdns-'));
  const port = await freePort();
  const conf = [
    'local-address=127.0.0.1',
    `local-port=${port}`,
    `dnssec=${opts.dnssec}`,
    `hint-file=${opts.hintFile}`,
    // The lab's servers are on 127.x: allow querying them (the default refuses loopback and private ranges).
    'dont-query=',
    'allow-from=127.0.0.0/8',
    `socket-dir=${dir}`,
    'daemon=no',
    'write-pid=no',
    'disable-syslog=yes',
    'threads=1',
    'security-poll-suffix=',
    'loglevel=4',
    '',
  ].join('\n');
  await writeFile(join(dir, 'recursor.conf'), conf);
  let output = '';
  const child: ChildProcess = spawn(PDNS_RECURSOR_BIN, [`--config-dir=${dir}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  let exited = false;
  child.on('exit', (code, signal) => {
    exited = true;
    output += `\n[pdns_recursor exited: code ${code}, signal ${signal}]`;
  });
  const server = { host: '127.0.0.1', port };
  const stop = async (): Promise<void> => {
    if (!exited) {
      const gone = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await gone;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  // Ready when it answers a query (bounded in tries and time).
  const started = Date.now();
  for (let i = 0; i < START_TRIES && !exited && Date.now() - started < START_DEADLINE_MS; i++) {
    const id = i + 1;
    const name = nameFromText('.');
    const timeoutMs = Math.min(2000, 200 * (i + 1));
    const ok = await udpTry(server, encodeQuery(name, RRType.NS, { id }), { id, name, type: RRType.NS, class: 1 }, { timeoutMs, stats: newStats() }).then(
      (r) => parseMessage(r.raw) !== undefined,
      () => false,
    );
    if (ok) return { server, log: () => output, stop };
    // Refused (not listening yet) fails at once: wait before the next try.
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`pdns_recursor did not start: ${output.slice(-2000)}`);
}
