/**
 * Command line of `dnssec-stub mail DOMAIN [DOMAIN...]` and of the
 * `--from FILE|-` runs: the network, anchor, time and fixture options of
 * `validate`, plus --dkim SELECTOR, --from and --concurrency.
 */
import { ValidationInputError, toName } from '../validator/validator.js';
import { nameToText } from '../wire/name.js';
import { DEFAULT_CONCURRENCY, MAX_CONCURRENCY, SESSION_OPTIONS, type SessionOptions, UsageError, parseConcurrency, parseOptions, sessionOptions } from './args.js';


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

const MAIL_OPTIONS = {
  ...SESSION_OPTIONS,
  json: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  dkim: { type: 'string', multiple: true },
  from: { type: 'string' },
  concurrency: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** A domain as typed: checked and made absolute. */
export function parseDomain(text: string): string {
  try {
    return nameToText(toName(text));
  } catch (e) {
    if (e instanceof ValidationInputError) throw new UsageError(e.message);
    throw e;
  }
}

export function parseMail(args: readonly string[]): MailCommand | { command: 'help' } {
  const parsed = parseOptions(args, MAIL_OPTIONS, true);
  const v = parsed.values;
  if (v.help) return { command: 'help' };
  const session = sessionOptions(v);
  const domains = parsed.positionals.map(parseDomain);
  if (v.from !== undefined && domains.length > 0) throw new UsageError('give DOMAIN arguments or --from, not both');
  if (v.from === undefined && domains.length === 0 && session.fixtureFile === undefined) throw new UsageError('missing DOMAIN (dnssec-stub mail DOMAIN [DOMAIN...], or --from FILE)');
  const dkimSelectors = (v.dkim ?? []).map((s) => {
    if (!/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(s)) throw new UsageError(`--dkim ${JSON.stringify(s)}: not a selector (labels of letters, digits, - and _)`);
    return s;
  });
  return {
    command: 'mail',
    domains,
    dkimSelectors,
    from: v.from,
    concurrency: v.concurrency !== undefined ? parseConcurrency(v.concurrency) : DEFAULT_CONCURRENCY,
    ...session,
    json: v.json ?? false,
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
