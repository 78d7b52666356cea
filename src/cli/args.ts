/**
 * Command-line parsing for `dnssec-stub` (node:util parseArgs). Every
 * mistake becomes a UsageError with a one-line message; nothing here touches
 * the network or the file system.
 */
import { isIP } from 'node:net';
import { parseArgs } from 'node:util';
import type { Protocol, ServerAddress } from '../resolver/transport.js';
import { typeFromText, typeToText } from '../wire/rrtype.js';
import { toName, ValidationInputError } from '../validator/validator.js';
import { nameToText } from '../wire/name.js';

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface ValidateCommand {
  readonly command: 'validate';
  /** Question name (absolute, presentation form); undefined only with --fixture (the fixture's question). */
  readonly name: string | undefined;
  /** Type mnemonic as typeToText gives it; undefined: A, or the fixture's question. */
  readonly type: string | undefined;
  readonly servers: readonly ServerAddress[] | 'system';
  readonly protocol: Protocol;
  readonly tlsServerName: string | undefined;
  readonly httpsUrl: string | undefined;
  readonly caFile: string | undefined;
  readonly timeoutMs: number | undefined;
  readonly trustAnchorFile: string | undefined;
  /** Validation time, unix seconds. */
  readonly at: number | undefined;
  readonly json: boolean;
  readonly trace: boolean;
  readonly captureFile: string | undefined;
  readonly fixtureFile: string | undefined;
  readonly noColor: boolean;
}

export interface DemoCommand {
  readonly command: 'demo';
  readonly dir: string | undefined;
  readonly trace: boolean;
  readonly noColor: boolean;
}

export type Command = ValidateCommand | DemoCommand | { readonly command: 'help' } | { readonly command: 'version' };

const DEFAULT_PORT: Record<Protocol, number> = { udp: 53, tcp: 53, tls: 853, https: 443 };

const VALIDATE_OPTIONS = {
  server: { type: 'string', multiple: true },
  tcp: { type: 'boolean' },
  tls: { type: 'string' },
  https: { type: 'string' },
  ca: { type: 'string' },
  timeout: { type: 'string' },
  'trust-anchor': { type: 'string' },
  at: { type: 'string' },
  json: { type: 'boolean' },
  trace: { type: 'boolean' },
  capture: { type: 'string' },
  fixture: { type: 'string' },
  'no-color': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const DEMO_OPTIONS = {
  trace: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** parseArgs' messages are multi-line and mention its own API; keep the first sentence. */
function parseFailure(e: unknown): UsageError {
  const text = e instanceof Error ? e.message : String(e);
  const first = text.split('\n')[0] ?? text;
  return new UsageError(first.replace(/\. To specify a positional argument.*$/, ''));
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

/** HOST[:PORT], with IPv6 literals as `[::1]:5353`, bare `::1`, or `[::1]`. */
export function parseServer(text: string, defaultPort: number): ServerAddress {
  let host: string;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(text);
  if (bracketed) {
    host = bracketed[1]!;
    portText = bracketed[2];
  } else if (isIP(text) === 6) {
    host = text;
  } else {
    const colon = text.lastIndexOf(':');
    if (colon >= 0 && text.indexOf(':') === colon) {
      host = text.slice(0, colon);
      portText = text.slice(colon + 1);
    } else host = text;
  }
  if (isIP(host) === 0) {
    throw new UsageError(`--server ${JSON.stringify(text)}: the server must be an IP address (IPv6 as [::1]:5353), not a host name`);
  }
  let port = defaultPort;
  if (portText !== undefined) {
    if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
      throw new UsageError(`--server ${JSON.stringify(text)}: bad port ${JSON.stringify(portText)}`);
    }
    port = Number(portText);
  }
  return { host, port };
}

/** ISO 8601 (e.g. 2026-01-31T12:00:00Z, or a date) or unix seconds. */
export function parseTime(text: string): number {
  if (/^\d{1,12}$/.test(text)) return Number(text);
  if (/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(text)) {
    const ms = Date.parse(text);
    if (Number.isFinite(ms)) return Math.floor(ms / 1000);
  }
  throw new UsageError(`--at ${JSON.stringify(text)}: not an ISO 8601 time (2026-01-31T12:00:00Z) or unix seconds`);
}

function parseTimeout(text: string): number {
  if (!/^\d{1,9}$/.test(text) || Number(text) < 1) throw new UsageError(`--timeout ${JSON.stringify(text)}: a positive number of milliseconds`);
  return Number(text);
}

function parseHttpsUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--https ${JSON.stringify(text)}: not a URL`);
  }
  if (url.protocol !== 'https:') throw new UsageError(`--https ${JSON.stringify(text)}: the URL must start with https://`);
  return text;
}

/** The question: NAME (checked as a domain name) and TYPE (mnemonic or TYPEnnn). */
function parseQuestion(positionals: readonly string[], fixture: boolean): { name: string | undefined; type: string | undefined } {
  if (positionals.length > 2) throw new UsageError(`too many arguments: ${positionals.slice(2).join(' ')} (expected NAME [TYPE])`);
  const [nameText, typeText] = positionals;
  if (nameText === undefined) {
    if (fixture) return { name: undefined, type: undefined };
    throw new UsageError('missing NAME (dnssec-stub validate NAME [TYPE])');
  }
  let name: string;
  try {
    name = nameToText(toName(nameText));
  } catch (e) {
    if (e instanceof ValidationInputError) throw new UsageError(e.message);
    throw e;
  }
  if (typeText === undefined) return { name, type: undefined };
  const type = typeFromText(typeText);
  if (type === undefined) throw new UsageError(`unknown RR type ${JSON.stringify(typeText)} (a mnemonic such as MX, or TYPEnnn)`);
  return { name, type: typeToText(type) };
}

function parseValidate(args: readonly string[]): ValidateCommand | { command: 'help' } {
  let parsed;
  try {
    parsed = parseArgs({ args: expandOptionalValues(args), options: VALIDATE_OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    throw parseFailure(e);
  }
  const v = parsed.values;
  if (v.help) return { command: 'help' };
  const fixtureFile = v.fixture;
  const transportsChosen = [v.tcp ? '--tcp' : undefined, v.tls !== undefined ? '--tls' : undefined, v.https !== undefined ? '--https' : undefined].filter(
    (x): x is string => x !== undefined,
  );
  if (transportsChosen.length > 1) throw new UsageError(`${transportsChosen.join(' and ')} cannot be combined: choose one transport`);
  if (fixtureFile !== undefined) {
    const network = [
      v.server ? '--server' : undefined,
      ...transportsChosen,
      v.ca !== undefined ? '--ca' : undefined,
      v.timeout !== undefined ? '--timeout' : undefined,
      v.capture !== undefined ? '--capture' : undefined,
    ].filter((x): x is string => x !== undefined);
    if (network.length > 0) throw new UsageError(`--fixture replays without network: ${network.join(', ')} cannot be used with it`);
  }
  const protocol: Protocol = v.tcp ? 'tcp' : v.tls !== undefined ? 'tls' : v.https !== undefined ? 'https' : 'udp';
  if (v.ca !== undefined && protocol !== 'tls' && protocol !== 'https') throw new UsageError('--ca is for --tls or --https');
  const httpsUrl = v.https !== undefined ? parseHttpsUrl(v.https) : undefined;
  const servers = v.server ? v.server.map((s) => parseServer(s, DEFAULT_PORT[protocol])) : httpsUrl !== undefined ? [] : 'system';
  const { name, type } = parseQuestion(parsed.positionals, fixtureFile !== undefined);
  return {
    command: 'validate',
    name,
    type,
    servers,
    protocol,
    tlsServerName: v.tls ? v.tls : undefined,
    httpsUrl,
    caFile: v.ca,
    timeoutMs: v.timeout !== undefined ? parseTimeout(v.timeout) : undefined,
    trustAnchorFile: v['trust-anchor'],
    at: v.at !== undefined ? parseTime(v.at) : undefined,
    json: v.json ?? false,
    trace: v.trace ?? false,
    captureFile: v.capture,
    fixtureFile,
    noColor: v['no-color'] ?? false,
  };
}

function parseDemo(args: readonly string[]): DemoCommand | { command: 'help' } {
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options: DEMO_OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    throw parseFailure(e);
  }
  if (parsed.values.help) return { command: 'help' };
  if (parsed.positionals.length > 1) throw new UsageError(`too many arguments: ${parsed.positionals.slice(1).join(' ')} (expected [DIR])`);
  return { command: 'demo', dir: parsed.positionals[0], trace: parsed.values.trace ?? false, noColor: parsed.values['no-color'] ?? false };
}

/** Parses the arguments after the program name. Throws UsageError. */
export function parseCommandLine(argv: readonly string[]): Command {
  const [first, ...rest] = argv;
  switch (first) {
    case undefined:
      throw new UsageError('missing command (validate or demo; try --help)');
    case '--help':
    case '-h':
    case 'help':
      return { command: 'help' };
    case '--version':
    case '-V':
      return { command: 'version' };
    case 'validate':
      return parseValidate(rest);
    case 'demo':
      return parseDemo(rest);
    default:
      throw new UsageError(
        first.startsWith('-') ? `unknown option ${JSON.stringify(first)} before the command (try --help)` : `unknown command ${JSON.stringify(first)} (validate or demo; try --help)`,
      );
  }
}

export const USAGE = `Usage:
  dnssec-stub validate NAME [TYPE] [options]   validate the answer to NAME TYPE (default A)
  dnssec-stub demo [DIR]                       replay every fixture under DIR (default fixtures/lab)
  dnssec-stub serve [options]                  a validating DNS proxy on loopback (serve --help)
  dnssec-stub --help | --version

Validate options:
  --server HOST[:PORT]   upstream resolver, an IP address (repeatable; IPv6 as [::1]:5353);
                         default: the nameservers of /etc/resolv.conf
  --tcp                  DNS over TCP (default: UDP, TCP when truncated)
  --tls[=SERVERNAME]     DNS over TLS (port 853); the certificate must match SERVERNAME
                         (default: the server's IP address)
  --https URL            DNS over HTTPS (RFC 8484), e.g. https://127.0.0.1/dns-query
  --ca FILE              PEM CA bundle for --tls/--https instead of the system store
  --timeout MS           per-try timeout in milliseconds (default: resolv.conf, 5000)
  --trust-anchor FILE    IANA root-anchors.xml or DS/DNSKEY records (auto-detected);
                         default: the shipped trust-anchors/root-anchors.xml
  --at TIME              validation time: ISO 8601 or unix seconds (default: now)
  --json                 print exactly one JSON object on stdout
  --trace                print the chain of trust as walked on stderr
  --capture FILE         write every exchange to a fixture FILE (replay with --fixture)
  --fixture FILE         replay FILE without network; time defaults to its capture time,
                         anchors to its own unless --trust-anchor; NAME defaults to its question
  --no-color             no colour (also: NO_COLOR set, or stdout not a terminal)

Demo options: --trace, --no-color

Exit status: 0 secure, 1 insecure, 2 bogus, 3 no answer (network failure, timeout,
upstream SERVFAIL/REFUSED), 64 usage error (bad option, name, type, time, anchor
or fixture file), 70 internal error. demo: 0 when every fixture gives its expected
verdict, 1 otherwise.
`;
