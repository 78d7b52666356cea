/**
 * `dnssec-stub serve`: the loopback validating proxy (src/server) as a
 * command. Options, the anchors (re-read on SIGHUP), the upstream, the ready
 * line (and sd_notify), the periodic statistics line, and a drain on
 * SIGTERM or SIGINT that ends with exit status 0.
 *
 * Exit status: 0 after a drain, 64 usage error, 69 a listen address cannot
 * be bound, 70 internal error.
 */
import { spawn } from 'node:child_process';
import { type TrustAnchor, anchorsAt, loadTrustAnchorWindows } from '../dnssec/anchors.js';
import { createNetworkSource, type NetworkSource } from '../resolver/network-source.js';
import { loadResolvConf, resolvConfServers } from '../resolver/resolv-conf.js';
import { createUpstream } from '../resolver/upstream.js';
import { type Validator, createValidator } from '../validator/validator.js';
import { AccessList, AclError, isLoopback } from '../server/acl.js';
import { AnswerMemo } from '../server/answer-memo.js';
import { RawKeeper } from '../server/raw-keeper.js';
import { type ListenAddress, ProxyServer } from '../server/server.js';
import { anchorFiles, checkCaFile, readAnchorFiles } from './user-files.js';
import { type CliIo, EXIT, UsageError, errorLine } from './io.js';
import { UPSTREAM_OPTIONS, type UpstreamArgs, parseOptions, parseServer, upstreamArgs } from './options.js';

/** A listen address could not be bound (sysexits EX_UNAVAILABLE). */
export const EXIT_CANNOT_LISTEN = 69;
/** How long a drain waits for queries in flight. */
const DRAIN_MS = 5_000;

export interface ServeCommand extends UpstreamArgs {
  readonly command: 'serve';
  readonly listen: readonly ListenAddress[];
  readonly allow: readonly string[];
  /** Seconds between statistics lines; 0: only at exit. */
  readonly statsSeconds: number;
  readonly maxInFlight: number | undefined;
  readonly maxInFlightPerClient: number | undefined;
}

/** The upstream and anchor options of every command (src/cli/options.ts), and the proxy's own. */
const OPTIONS = {
  ...UPSTREAM_OPTIONS,
  listen: { type: 'string', multiple: true },
  allow: { type: 'string', multiple: true },
  stats: { type: 'string' },
  'max-inflight': { type: 'string' },
  'max-inflight-per-client': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function positive(option: string, text: string | undefined, allowZero = false): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,9}$/.test(text) || (!allowZero && Number(text) === 0)) throw new UsageError(`--${option} ${JSON.stringify(text)}: a ${allowZero ? 'non-negative' : 'positive'} whole number`);
  return Number(text);
}

export function parseServe(args: readonly string[]): ServeCommand | { command: 'help' } {
  const parsed = parseOptions(args, OPTIONS, false);
  const v = parsed.values;
  if (v.help) return { command: 'help' };
  const upstream = upstreamArgs(v);
  const listen = (v.listen ?? ['127.0.0.1:53']).map((l) => {
    try {
      // Port 0: the system picks a free port (the ready line says which).
      const ephemeral = /^(.*[^:]):0$/.exec(l);
      return ephemeral ? { ...parseServer(`${ephemeral[1]}:1`, 53), port: 0 } : parseServer(l, 53);
    } catch (e) {
      throw new UsageError(errorLine(e).replace('--server', '--listen'));
    }
  });
  const allow = v.allow ?? [];
  try {
    new AccessList(allow);
  } catch (e) {
    if (e instanceof AclError) throw new UsageError(e.message);
    throw e;
  }
  // Never an open resolver by accident: a non-loopback address needs an explicit --allow.
  const open = listen.find((l) => !isLoopback(l.host));
  if (open && allow.length === 0) {
    throw new UsageError(`--listen ${open.host}: not a loopback address; say which clients may use it with --allow CIDR`);
  }
  const { servers, protocol } = upstream;
  if (servers !== 'system' && servers.some((s) => listen.some((l) => l.host === s.host && l.port === s.port && protocol === 'udp'))) {
    throw new UsageError('--server is one of the --listen addresses: the proxy would ask itself');
  }
  return {
    command: 'serve',
    ...upstream,
    listen,
    allow,
    statsSeconds: positive('stats', v.stats, true) ?? 0,
    maxInFlight: positive('max-inflight', v['max-inflight']),
    maxInFlightPerClient: positive('max-inflight-per-client', v['max-inflight-per-client']),
  };
}

export const SERVE_USAGE = `Usage: dnssec-stub serve [options]

A validating DNS proxy for loopback: answers with AD=1 only what dnssec-stub
proved secure, SERVFAIL with an Extended DNS Error for bogus answers.

  --listen ADDR:PORT     UDP and TCP address to serve (repeatable; default 127.0.0.1:53;
                         IPv6 as [::1]:53; port 0 picks a free port)
  --allow CIDR           clients allowed besides loopback (repeatable); required for a
                         non-loopback --listen
  --server, --tcp, --tls[=NAME], --https URL, --ca FILE, --timeout MS, --trust-anchor FILE
                         the upstream and the anchors, as for validate (--trust-anchor is
                         repeatable: the anchors of every file are used)
  --stats SECONDS        print a statistics line every SECONDS (default: only at exit)
  --max-inflight N       queries answered at once (default 1024)
  --max-inflight-per-client N
                         queries answered at once for one client address (default 128)

Signals: SIGTERM/SIGINT drain and exit 0; SIGHUP re-reads the trust anchors.
Exit status: 0 after a drain, 64 usage error, 69 cannot listen, 70 internal error.
`;

/** Where signals come from (the process; tests pass an emitter). The handlers stay on until the process exits. */
export interface SignalSource {
  on(signal: 'SIGTERM' | 'SIGINT' | 'SIGHUP', listener: () => void): unknown;
}

/**
 * The anchors of every --trust-anchor file, merged, with their validity
 * windows (RFC 9718 §2.1): a long-running proxy judges them at each
 * validation (the validator's anchorsAt), so a KSK roll while it runs needs
 * no restart. None valid now is an error here.
 */
function loadAnchors(files: readonly string[]): TrustAnchor[] {
  const anchors = readAnchorFiles(files, loadTrustAnchorWindows);
  const now = Math.floor(Date.now() / 1000);
  if (anchorsAt(anchors, now).length === 0) {
    throw new UsageError(`${anchorFiles(files).join(', ')}: no trust anchor is valid at ${new Date(now * 1000).toISOString()} (check validFrom/validUntil and the clock)`);
  }
  return anchors;
}

/** Tells systemd the service is ready (Type=notify; the unit needs NotifyAccess=all for the helper). */
function notifySystemd(io: CliIo, env: Readonly<Record<string, string | undefined>>): void {
  if (!env['NOTIFY_SOCKET']) return;
  const child = spawn('systemd-notify', ['--ready', `--pid=${process.pid}`], { stdio: 'ignore', env: { ...env } as NodeJS.ProcessEnv });
  child.on('error', (e) => io.stderr.write(`dnssec-stub serve: sd_notify failed: ${errorLine(e)}\n`));
}

export async function runServe(cmd: ServeCommand, io: CliIo, signals: SignalSource = process): Promise<number> {
  const log = (line: string): void => void io.stderr.write(`dnssec-stub serve: ${line}\n`);
  const anchors = loadAnchors(cmd.trustAnchorFiles);
  checkCaFile(cmd.caFile);
  if (cmd.servers === 'system' && (cmd.protocol === 'udp' || cmd.protocol === 'tcp')) {
    // Once resolv.conf points at the proxy, the default upstream would be the proxy itself.
    const system = resolvConfServers(loadResolvConf());
    const loop = system.find((s) => cmd.listen.some((l) => l.host === s.host && l.port === s.port));
    if (loop) throw new UsageError(`/etc/resolv.conf names ${loop.host}, which this proxy listens on: give the upstream with --server`);
  }
  let network: NetworkSource;
  let keeper: RawKeeper;
  try {
    keeper = new RawKeeper(
      createUpstream({
        servers: cmd.servers === 'system' ? 'system' : [...cmd.servers],
        protocol: cmd.protocol,
        ...(cmd.tlsServerName !== undefined ? { tlsServerName: cmd.tlsServerName } : {}),
        ...(cmd.httpsUrl !== undefined ? { httpsUrl: cmd.httpsUrl } : {}),
        ...(cmd.caFile !== undefined ? { caFile: cmd.caFile } : {}),
        ...(cmd.timeoutMs !== undefined ? { timeoutMs: cmd.timeoutMs } : {}),
      }),
    );
    network = createNetworkSource({ servers: [], transport: keeper });
  } catch (e) {
    throw new UsageError(errorLine(e));
  }
  const memo = new AnswerMemo(network);
  let validator: Validator = createValidator({ source: memo, trustAnchors: anchors });
  const server = new ProxyServer({
    listen: cmd.listen,
    acl: new AccessList(cmd.allow),
    validator: () => validator,
    memo,
    rawOf: (m) => keeper.rawOf(m),
    log,
    ...(cmd.maxInFlight !== undefined ? { maxInFlight: cmd.maxInFlight } : {}),
    ...(cmd.maxInFlightPerClient !== undefined ? { maxInFlightPerClient: cmd.maxInFlightPerClient } : {}),
  });
  let bound: ListenAddress[];
  try {
    bound = await server.start();
  } catch (e) {
    await network.close();
    await keeper.close();
    io.stderr.write(`dnssec-stub: cannot listen: ${errorLine(e)}\n`);
    return EXIT_CANNOT_LISTEN;
  }

  // The signal handlers go on before the ready line and READY=1: a client (systemd, a test) may signal as soon as
  // it sees them, and a SIGHUP or SIGTERM without a handler kills the process.
  const reload = (): void => {
    try {
      const next = loadAnchors(cmd.trustAnchorFiles);
      // A new validator: nothing validated under the old anchors is kept.
      validator = createValidator({ source: memo, trustAnchors: next });
      log(`SIGHUP: ${next.length} trust anchor(s) re-read`);
    } catch (e) {
      log(`SIGHUP: anchors not re-read, keeping the old ones: ${errorLine(e)}`);
    }
  };
  let stopping: (() => void) | undefined;
  const stopped = new Promise<void>((resolve) => (stopping = resolve));
  const stop = (): void => stopping?.();
  signals.on('SIGHUP', reload);
  signals.on('SIGTERM', stop);
  signals.on('SIGINT', stop);

  const where = bound.map((b) => (b.host.includes(':') ? `[${b.host}]:${b.port}` : `${b.host}:${b.port}`)).join(' ');
  log(`ready on ${where} (udp, tcp); ${anchors.length} trust anchor(s) from ${anchorFiles(cmd.trustAnchorFiles).join(', ')}`);
  notifySystemd(io, io.env ?? {});

  const timer = cmd.statsSeconds > 0 ? setInterval(() => log(`stats ${server.stats.line()}`), cmd.statsSeconds * 1000) : undefined;
  timer?.unref?.();

  await stopped;
  if (timer) clearInterval(timer);
  log('draining');
  // The handlers stay on until the process exits: a second SIGTERM (systemd, timeout(1)) cuts neither the drain
  // short nor the few steps between the drain and the exit, and a late SIGHUP does not kill it (with no handler,
  // either signal killed the process there).
  await server.drain(DRAIN_MS);
  await network.close();
  await keeper.close();
  log(`stopped; stats ${server.stats.line()}`);
  return EXIT.SECURE;
}
