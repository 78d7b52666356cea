/**
 * The option table every command that asks an upstream shares (validate,
 * mail, serve, doctor): the upstream (--server, --tcp, --tls, --https, --ca,
 * --timeout) and the trust anchors (--trust-anchor, repeatable, merged), with
 * one parser each, so that an option means the same thing and a mistake
 * gives the same message and exit status (64) in every command. Also this
 * command line's conventions for parseArgs (an option missing its value,
 * `--tls` with an optional value).
 * Pure: nothing here touches the network or the file system.
 */
import type * as NodeNet from 'node:net';
import type { parseArgs } from 'node:util';
import type { Protocol, ServerAddress } from '../resolver/transport.js';
import { type OptionSpec, parseArgv } from './argv.js';
import { UsageError } from './io.js';

/**
 * node:net's isIP, loaded when a --server is parsed: node:net (with node:stream under it) costs about 8 ms to load,
 * which `validate --fixture` and `--help` do not need (start-up: `npm run bench:cli`).
 */
function isIP(text: string): number {
  return (process.getBuiltinModule('node:net') as typeof NodeNet).isIP(text);
}

/** The upstream and anchor options, checked (src/cli/session.ts, serve.ts and doctor.ts use them). */
export interface UpstreamArgs {
  /** 'system': resolv.conf's nameservers. Empty with --https and no --server: the URL's host. */
  readonly servers: readonly ServerAddress[] | 'system';
  readonly protocol: Protocol;
  readonly tlsServerName: string | undefined;
  readonly httpsUrl: string | undefined;
  readonly caFile: string | undefined;
  readonly timeoutMs: number | undefined;
  /** --trust-anchor files, in order; their anchors are merged. Empty: the default. */
  readonly trustAnchorFiles: readonly string[];
}

/** The options behind UpstreamArgs (parseArgs form). */
export const UPSTREAM_OPTIONS = {
  server: { type: 'string', multiple: true },
  tcp: { type: 'boolean' },
  tls: { type: 'string' },
  https: { type: 'string' },
  ca: { type: 'string' },
  timeout: { type: 'string' },
  'trust-anchor': { type: 'string', multiple: true },
} as const;

/** The values parseArgs gives for UPSTREAM_OPTIONS. */
export interface UpstreamValues {
  server?: string[] | undefined;
  tcp?: boolean | undefined;
  tls?: string | undefined;
  https?: string | undefined;
  ca?: string | undefined;
  timeout?: string | undefined;
  'trust-anchor'?: string[] | undefined;
}

export const DEFAULT_PORT: Record<Protocol, number> = { udp: 53, tcp: 53, tls: 853, https: 443 };

/**
 * An option that takes a value, followed by another option or by nothing:
 * say which option needs a value (parseArgs would call the next option an
 * "ambiguous" value, or report a missing argument in its own words).
 */
function checkValuesGiven(args: readonly string[], options: Record<string, { type: string }>): void {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') return;
    if (!a.startsWith('--') || a.includes('=')) continue;
    if (options[a.slice(2)]?.type !== 'string' || a === '--tls') continue;
    const next = args[i + 1];
    if (next === undefined) throw new UsageError(`${a} needs a value`);
    if (next.startsWith('-') && next !== '-') {
      throw new UsageError(`${a} needs a value, not the option ${JSON.stringify(next)} (for a value that starts with "-", write ${a}=VALUE)`);
    }
    i++;
  }
}

/**
 * `--tls` takes an optional value, `--tls=NAME`; parseArgs only knows
 * required values, so a bare `--tls` becomes `--tls=` (before any `--`).
 */
function expandOptionalValues(args: readonly string[]): string[] {
  const out: string[] = [];
  let positionalOnly = false;
  for (const a of args) {
    if (a === '--') positionalOnly = true;
    out.push(!positionalOnly && a === '--tls' ? '--tls=' : a);
  }
  return out;
}

/**
 * The arguments as parseArgs should see them, with this command line's
 * conventions: an option missing its value is named (UsageError), and
 * `--tls` takes an optional value. Pair with parseFailure for parseArgs' own
 * errors.
 */
export function prepareArgs(args: readonly string[], options: Record<string, { type: string }>): string[] {
  checkValuesGiven(args, options);
  return expandOptionalValues(args);
}

/** An option table for parseOptions: argv.ts's OptionSpec by long name (node:util's ParseArgsOptionsConfig shape). */
export type OptionTable = Record<string, OptionSpec>;

/**
 * The arguments read as parseArgs (strict) would read them after prepareArgs (argv.ts, without loading node:util's
 * parser), its errors as one-line UsageErrors: how every command reads its arguments. The result has parseArgs' type.
 */
export function parseOptions<T extends OptionTable, P extends boolean>(
  args: readonly string[],
  options: T,
  allowPositionals: P,
): ReturnType<typeof parseArgs<{ args: string[]; options: T; allowPositionals: P; strict: true }>> {
  type Parsed = ReturnType<typeof parseArgs<{ args: string[]; options: T; allowPositionals: P; strict: true }>>;
  return parseArgv(prepareArgs(args, options), options, allowPositionals) as unknown as Parsed;
}

/**
 * HOST[:PORT], HOST#PORT (BIND, Unbound) or HOST@PORT; IPv6 literals as
 * `[::1]:5353`, `::1#5353`, `::1@5353`, bare `::1` or `[::1]`. A bare IPv6
 * address never takes a `:PORT` (it would be part of the address).
 */
export function parseServer(text: string, defaultPort: number): ServerAddress {
  const bad = (why: string): never => {
    throw new UsageError(`--server ${JSON.stringify(text)}: ${why}`);
  };
  if (text.startsWith('@')) bad(`write the address without "@" (--server ${text.slice(1)})`);
  let host: string;
  let portText: string | undefined;
  const separators = [...text].filter((c) => c === '#' || c === '@').length;
  const bracketed = /^\[([^\]]+)\](?:[:#@](.*))?$/.exec(text);
  if (separators > 1) bad('more than one port separator ("#" or "@")');
  if (bracketed) {
    host = bracketed[1]!;
    portText = bracketed[2];
  } else if (separators === 1) {
    const at = Math.max(text.indexOf('#'), text.indexOf('@'));
    host = text.slice(0, at);
    portText = text.slice(at + 1);
  } else if (isIP(text) === 6) {
    host = text;
  } else {
    const colon = text.lastIndexOf(':');
    if (colon >= 0 && text.indexOf(':') === colon) {
      host = text.slice(0, colon);
      portText = text.slice(colon + 1);
    } else host = text;
  }
  if (isIP(host) === 0) bad('the server must be an IP address (IPv6 as [::1]:5353), not a host name');
  let port = defaultPort;
  if (portText !== undefined) {
    if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) bad(`bad port ${JSON.stringify(portText)}`);
    port = Number(portText);
  }
  return { host, port };
}

export function parseTimeout(text: string): number {
  if (!/^\d{1,9}$/.test(text) || Number(text) < 1) throw new UsageError(`--timeout ${JSON.stringify(text)}: a positive number of milliseconds`);
  return Number(text);
}

export function parseHttpsUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--https ${JSON.stringify(text)}: not a URL`);
  }
  if (url.protocol !== 'https:') throw new UsageError(`--https ${JSON.stringify(text)}: the URL must start with https://`);
  return text;
}

/** The transport options given (--tcp, --tls, --https); more than one is a usage error. */
export function chosenTransports(v: UpstreamValues): string[] {
  const chosen = [v.tcp ? '--tcp' : undefined, v.tls !== undefined ? '--tls' : undefined, v.https !== undefined ? '--https' : undefined].filter(
    (x): x is string => x !== undefined,
  );
  if (chosen.length > 1) throw new UsageError(`${chosen.join(' and ')} cannot be combined: choose one transport`);
  return chosen;
}

/** The upstream and anchor options, checked: one transport, --ca only for TLS, servers as IP addresses. */
export function upstreamArgs(v: UpstreamValues): UpstreamArgs {
  chosenTransports(v);
  const protocol: Protocol = v.tcp ? 'tcp' : v.tls !== undefined ? 'tls' : v.https !== undefined ? 'https' : 'udp';
  if (v.ca !== undefined && protocol !== 'tls' && protocol !== 'https') throw new UsageError('--ca is for --tls or --https');
  const httpsUrl = v.https !== undefined ? parseHttpsUrl(v.https) : undefined;
  return {
    servers: v.server ? v.server.map((s) => parseServer(s, DEFAULT_PORT[protocol])) : httpsUrl !== undefined ? [] : 'system',
    protocol,
    tlsServerName: v.tls ? v.tls : undefined,
    httpsUrl,
    caFile: v.ca,
    timeoutMs: v.timeout !== undefined ? parseTimeout(v.timeout) : undefined,
    trustAnchorFiles: v['trust-anchor'] ?? [],
  };
}
