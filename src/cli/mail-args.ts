/**
 * Command line of `dnssec-stub mail DOMAIN [DOMAIN...]` and of the
 * `--from FILE|-` runs: the network, anchor, time and fixture options of
 * `validate`, plus --dkim SELECTOR, --from and --concurrency.
 */
import { parseArgs } from 'node:util';
import type { Protocol } from '../resolver/transport.js';
import { ValidationInputError, toName } from '../validator/validator.js';
import { nameToText } from '../wire/name.js';
import { UsageError, parseHttpsUrl, parseServer, parseTime, parseTimeout } from './args.js';
import type { SessionOptions } from './session.js';

export interface MailCommand extends SessionOptions {
  readonly command: 'mail';
  /** Domains, presentation form with trailing dot; empty with --from or --fixture. */
  readonly domains: readonly string[];
  readonly dkimSelectors: readonly string[];
  /** `--from FILE`, `-` for stdin. */
  readonly from: string | undefined;
  readonly concurrency: number;
  readonly json: boolean;
  readonly noColor: boolean;
}

/** Names worked on at once in a --from run (each mail report asks about 8 questions in parallel). */
export const DEFAULT_CONCURRENCY = 8;
export const MAX_CONCURRENCY = 256;

const MAIL_OPTIONS = {
  server: { type: 'string', multiple: true },
  tcp: { type: 'boolean' },
  tls: { type: 'string' },
  https: { type: 'string' },
  ca: { type: 'string' },
  timeout: { type: 'string' },
  'trust-anchor': { type: 'string' },
  at: { type: 'string' },
  json: { type: 'boolean' },
  capture: { type: 'string' },
  fixture: { type: 'string' },
  'no-color': { type: 'boolean' },
  dkim: { type: 'string', multiple: true },
  from: { type: 'string' },
  concurrency: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const DEFAULT_PORT: Record<Protocol, number> = { udp: 53, tcp: 53, tls: 853, https: 443 };

export function parseConcurrency(text: string | undefined): number {
  if (text === undefined) return DEFAULT_CONCURRENCY;
  if (!/^\d{1,4}$/.test(text) || Number(text) < 1 || Number(text) > MAX_CONCURRENCY) {
    throw new UsageError(`--concurrency ${JSON.stringify(text)}: a number from 1 to ${MAX_CONCURRENCY}`);
  }
  return Number(text);
}

/** A domain as typed: checked and made absolute. */
export function parseDomain(text: string): string {
  try {
    return nameToText(toName(text));
  } catch (e) {
    if (e instanceof ValidationInputError) throw new UsageError(e.message);
    throw e;
  }
}

/** `--tls` with no value becomes `--tls=` (parseArgs knows only required values). */
function expandTls(args: readonly string[]): string[] {
  const i = args.indexOf('--');
  return args.map((a, j) => (a === '--tls' && (i < 0 || j < i) ? '--tls=' : a));
}

export function parseMail(args: readonly string[]): MailCommand | { command: 'help' } {
  let parsed;
  try {
    parsed = parseArgs({ args: expandTls(args), options: MAIL_OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    const text = e instanceof Error ? e.message : String(e);
    throw new UsageError((text.split('\n')[0] ?? text).replace(/\. To specify a positional argument.*$/, ''));
  }
  const v = parsed.values;
  if (v.help) return { command: 'help' };
  const transports = [v.tcp ? '--tcp' : undefined, v.tls !== undefined ? '--tls' : undefined, v.https !== undefined ? '--https' : undefined].filter((x) => x !== undefined);
  if (transports.length > 1) throw new UsageError(`${transports.join(' and ')} cannot be combined: choose one transport`);
  if (v.fixture !== undefined) {
    const network = [v.server ? '--server' : undefined, ...transports, v.ca !== undefined ? '--ca' : undefined, v.timeout !== undefined ? '--timeout' : undefined, v.capture !== undefined ? '--capture' : undefined].filter(
      (x) => x !== undefined,
    );
    if (network.length > 0) throw new UsageError(`--fixture replays without network: ${network.join(', ')} cannot be used with it`);
  }
  const protocol: Protocol = v.tcp ? 'tcp' : v.tls !== undefined ? 'tls' : v.https !== undefined ? 'https' : 'udp';
  if (v.ca !== undefined && protocol !== 'tls' && protocol !== 'https') throw new UsageError('--ca is for --tls or --https');
  const httpsUrl = v.https !== undefined ? parseHttpsUrl(v.https) : undefined;
  const domains = parsed.positionals.map(parseDomain);
  if (v.from !== undefined && domains.length > 0) throw new UsageError('give DOMAIN arguments or --from, not both');
  if (v.from === undefined && domains.length === 0 && v.fixture === undefined) throw new UsageError('missing DOMAIN (dnssec-stub mail DOMAIN [DOMAIN...], or --from FILE)');
  const dkimSelectors = (v.dkim ?? []).map((s) => {
    if (!/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(s)) throw new UsageError(`--dkim ${JSON.stringify(s)}: not a selector (labels of letters, digits, - and _)`);
    return s;
  });
  return {
    command: 'mail',
    domains,
    dkimSelectors,
    from: v.from,
    concurrency: parseConcurrency(v.concurrency),
    servers: v.server ? v.server.map((s) => parseServer(s, DEFAULT_PORT[protocol])) : httpsUrl !== undefined ? [] : 'system',
    protocol,
    tlsServerName: v.tls ? v.tls : undefined,
    httpsUrl,
    caFile: v.ca,
    timeoutMs: v.timeout !== undefined ? parseTimeout(v.timeout) : undefined,
    trustAnchorFile: v['trust-anchor'],
    at: v.at !== undefined ? parseTime(v.at) : undefined,
    json: v.json ?? false,
    captureFile: v.capture,
    fixtureFile: v.fixture,
    noColor: v['no-color'] ?? false,
  };
}

export const MAIL_USAGE = `Usage:
  dnssec-stub mail DOMAIN [DOMAIN...] [options]   the DANE and policy report an MTA acts on
  dnssec-stub mail --from FILE|- [options]         one domain per line (JSON Lines with --json)

Options: the network, anchor and fixture options of validate (--server, --tcp, --tls,
--https, --ca, --timeout, --trust-anchor, --at, --capture, --fixture, --no-color), and
  --json                 one JSON object per domain (one per line)
  --dkim SELECTOR        also look up SELECTOR._domainkey.DOMAIN (repeatable)
  --from FILE|-          read domains from FILE (- for stdin), one per line; # comments
  --concurrency N        domains worked on at once with --from (default ${DEFAULT_CONCURRENCY}, at most ${MAX_CONCURRENCY})

Exit status: 0 secure, 1 insecure, 2 bogus (a bogus MX, or a host not to deliver to),
3 no answer; several domains: the highest of theirs; 64 usage error; 130 interrupted.
`;
