/**
 * Command-line parsing for `dnssec-stub` (argv.ts: parseArgs' conventions). Every
 * mistake becomes a UsageError with a one-line message; nothing here touches
 * the network or the file system.
 */
import { UsageError, tooManyArguments } from './io.js';
import { UPSTREAM_OPTIONS, type UpstreamArgs, type UpstreamValues, chosenTransports, parseOptions, upstreamArgs } from './options.js';
import { parseQuestion } from './question.js';

export { UsageError } from './io.js';
export { parseHttpsUrl, parseOptions, parseServer, parseTimeout, prepareArgs } from './options.js';

/**
 * The network, anchor, time and fixture options that every command which
 * validates shares (validate, mail); src/cli/session.ts turns them into a
 * validator.
 */
export interface SessionOptions extends UpstreamArgs {
  /** Validation time, unix seconds. */
  readonly at: number | undefined;
  readonly captureFile: string | undefined;
  readonly fixtureFile: string | undefined;
}

export interface ValidateCommand extends SessionOptions {
  readonly command: 'validate';
  /** Question name (absolute, presentation form); undefined only with --fixture (the fixture's question). */
  readonly name: string | undefined;
  /** Type mnemonic as typeToText gives it; undefined: A, or the fixture's question. */
  readonly type: string | undefined;
  readonly json: boolean;
  readonly trace: boolean;
  readonly noColor: boolean;
  /** `--from FILE` (`-` for stdin): one NAME [TYPE] per line (src/cli/validate-bulk.ts). */
  readonly from?: string | undefined;
  /** Names worked on at once with --from. */
  readonly concurrency?: number | undefined;
}

export interface DemoCommand {
  readonly command: 'demo';
  readonly dir: string | undefined;
  readonly trace: boolean;
  readonly noColor: boolean;
}

export type Command = ValidateCommand | DemoCommand | { readonly command: 'help' } | { readonly command: 'version' };

/** The options behind SessionOptions (parseArgs form): the upstream table, and time, capture and fixture. */
export const SESSION_OPTIONS = {
  ...UPSTREAM_OPTIONS,
  at: { type: 'string' },
  capture: { type: 'string' },
  fixture: { type: 'string' },
} as const;

/** The values parseArgs gives for SESSION_OPTIONS. */
export interface SessionValues extends UpstreamValues {
  at?: string | undefined;
  capture?: string | undefined;
  fixture?: string | undefined;
}

const VALIDATE_OPTIONS = {
  ...SESSION_OPTIONS,
  json: { type: 'boolean' },
  trace: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  from: { type: 'string' },
  concurrency: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const DEMO_OPTIONS = {
  trace: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Unix seconds, or ISO 8601 (2026-01-31T12:00:00Z, 2026-01-31T13:00+01:00,
 * 2026-01-31). A time without a zone is UTC, never the local time zone, so
 * the same command gives the same verdict on every machine.
 */
export function parseTime(text: string): number {
  if (/^\d{1,11}$/.test(text)) return Number(text);
  if (/^\d{12,}$/.test(text)) throw new UsageError(`--at ${text}: looks like milliseconds; give unix seconds`);
  const m = ISO_TIME.exec(text);
  if (m) {
    const [y, mo, d, h = 0, mi = 0, sec = 0] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((x) => (x === undefined ? undefined : Number(x)));
    const daysInMonth = new Date(Date.UTC(y!, mo!, 0)).getUTCDate();
    const valid = mo! >= 1 && mo! <= 12 && d! >= 1 && d! <= daysInMonth && h <= 23 && mi <= 59 && sec <= 59;
    const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4] ?? '00'}:${m[5] ?? '00'}:${m[6] ?? '00'}${m[7] ?? ''}${m[8] ?? 'Z'}`;
    const ms = Date.parse(iso);
    if (valid && Number.isFinite(ms)) return Math.floor(ms / 1000);
  }
  throw new UsageError(`--at ${JSON.stringify(text)}: not an ISO 8601 time (2026-01-31T12:00:00Z; UTC when no zone is given) or unix seconds`);
}

/** The shared options, checked: one transport, no network options with --fixture, --ca only for TLS. */
export function sessionOptions(v: SessionValues): SessionOptions {
  const transportsChosen = chosenTransports(v);
  if (v.fixture !== undefined) {
    const network = [
      v.server ? '--server' : undefined,
      ...transportsChosen,
      v.ca !== undefined ? '--ca' : undefined,
      v.timeout !== undefined ? '--timeout' : undefined,
      v.capture !== undefined ? '--capture' : undefined,
    ].filter((x): x is string => x !== undefined);
    if (network.length > 0) throw new UsageError(`--fixture replays without network: ${network.join(', ')} cannot be used with it`);
  }
  return {
    ...upstreamArgs(v),
    at: v.at !== undefined ? parseTime(v.at) : undefined,
    captureFile: v.capture,
    fixtureFile: v.fixture,
  };
}

function parseValidate(args: readonly string[]): ValidateCommand | { command: 'help' } {
  const parsed = parseOptions(args, VALIDATE_OPTIONS, true);
  const v = parsed.values;
  if (v.help) return { command: 'help' };
  const session = sessionOptions(v);
  if (v.from !== undefined && parsed.positionals.length > 0) throw new UsageError('give NAME [TYPE] or --from, not both');
  const { name, type } = parseQuestion(parsed.positionals, session.fixtureFile !== undefined || v.from !== undefined);
  return {
    command: 'validate',
    name,
    type,
    ...session,
    json: v.json ?? false,
    trace: v.trace ?? false,
    noColor: v['no-color'] ?? false,
    from: v.from,
    concurrency: v.concurrency !== undefined ? parseConcurrency(v.concurrency) : undefined,
  };
}

/** Names worked on at once in a --from run (a mail report asks about 8 questions in parallel). */
export const DEFAULT_CONCURRENCY = 8;
export const MAX_CONCURRENCY = 256;

export function parseConcurrency(text: string): number {
  if (!/^\d{1,4}$/.test(text) || Number(text) < 1 || Number(text) > MAX_CONCURRENCY) {
    throw new UsageError(`--concurrency ${JSON.stringify(text)}: a number from 1 to ${MAX_CONCURRENCY}`);
  }
  return Number(text);
}

function parseDemo(args: readonly string[]): DemoCommand | { command: 'help' } {
  const parsed = parseOptions(args, DEMO_OPTIONS, true);
  if (parsed.values.help) return { command: 'help' };
  if (parsed.positionals.length > 1) throw tooManyArguments(parsed.positionals.slice(1), '[DIR]');
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
  dnssec-stub validate --from FILE|- [options]  one NAME [TYPE] per line (JSON Lines with --json)
  dnssec-stub mail DOMAIN [DOMAIN...] [options] the DANE and policy report (mail --help)
  dnssec-stub demo [DIR]                       replay every fixture under DIR (default fixtures/lab)
  dnssec-stub doctor [--server ...] [--json]   check resolvers (dnssec-stub doctor --help)
  dnssec-stub serve [options]                  a validating DNS proxy on loopback (serve --help)
  dnssec-stub --help | --version

NAME: a domain name; non-ASCII names are asked as their A-label (bücher.example ->
xn--bcher-kva.example). TYPE: a mnemonic (MX, TLSA, TXT, ...) or TYPEnnn; the
meta-types (ANY, AXFR, IXFR, OPT, TKEY, TSIG, MAILA, MAILB, TYPE0) and RRSIG
(never itself signed, RFC 4035 §2.2) are refused.

Validate options:
  --server HOST[:PORT]   upstream resolver, an IP address (repeatable); also HOST#PORT,
                         HOST@PORT, [::1]:5353, ::1#5353; default: resolv.conf's nameservers
  --tcp                  DNS over TCP (default: UDP, TCP when truncated)
  --tls[=SERVERNAME]     DNS over TLS (port 853); the certificate must match SERVERNAME
                         (default: the server's IP address)
  --https URL            DNS over HTTPS (RFC 8484), e.g. https://127.0.0.1/dns-query
  --ca FILE              PEM CA bundle for --tls/--https instead of the system store
  --timeout MS           per-try timeout in milliseconds (default: resolv.conf, 5000)
  --trust-anchor FILE    IANA root-anchors.xml or DS/DNSKEY records (auto-detected);
                         repeatable: the anchors of every file are used;
                         default: the shipped trust-anchors/root-anchors.xml
  --at TIME              validation time: unix seconds or ISO 8601; without a zone,
                         UTC (2026-01-31T12:00 is 12:00Z); default: now
  --json                 print exactly one JSON object on stdout
  --trace                print the chain of trust as walked on stderr
  --capture FILE         write every exchange to a fixture FILE (replay with --fixture);
                         FILE must be writable before any query is sent
  --fixture FILE         replay FILE without network; time defaults to its capture time,
                         anchors to its own unless --trust-anchor; NAME defaults to its question
  --no-color             no colour (also: NO_COLOR set, or stdout not a terminal)
  --from FILE|-          validate each line NAME [TYPE] of FILE (- for stdin), in input order
  --concurrency N        names worked on at once with --from (default 8)

Demo options: --trace, --no-color

Exit status:
   0  secure
   1  insecure
   2  bogus
   3  no answer (network failure, timeout, upstream SERVFAIL/REFUSED/FORMERR/NOTIMP,
      a fixture without the needed response)
  64  usage error (bad option, name, type, time or server; unreadable or garbled
      trust anchor or fixture file, with the file and line)
  70  internal error (a bug: please report it)
  74  I/O error (stdout or the --capture file cannot be written: disk full, closed pipe)
  demo: 0 when every fixture gives its expected verdict, 1 otherwise (64 for a bad DIR).
`;
