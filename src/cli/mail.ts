/**
 * `dnssec-stub mail DOMAIN [DOMAIN...]` and `mail --from FILE|-`: the
 * report of checkMail() per domain, as a table or JSON, over the network or
 * replayed from a fixture (`--capture` writes the fixture, with the domains
 * in its `mail` field).
 */
import { checkMail } from '../mail/check-mail.js';
import type { MailReport } from '../mail/types.js';
import { UsageError } from './args.js';
import { type BulkIo, type BulkResult, readEntries, runBulk } from './bulk.js';
import { type CliIo, EXIT } from './io.js';
import { type MailCommand, MAIL_USAGE, parseDomain, parseMail } from './mail-args.js';
import { formatMailText, mailJson } from './mail-format.js';
import { mailFixtureField } from './mail-fixture.js';
import { RUN_RESULT_CACHE, openSession } from './session.js';

const EXIT_OF: Readonly<Record<MailReport['status'], number>> = { secure: EXIT.SECURE, insecure: EXIT.INSECURE, bogus: EXIT.BOGUS, error: EXIT.NO_ANSWER };

export function mailExitCode(r: MailReport): number {
  return EXIT_OF[r.status];
}

function asResult(r: MailReport): BulkResult {
  return { status: r.status, json: mailJson(r), text: formatMailText(r) };
}

function errorResult(entry: string, message: string): BulkResult {
  return { status: 'error', json: { domain: entry, status: 'error', error: message }, text: `;; mail report for ${entry}\n; error: ${message}\n` };
}

async function domainsOf(cmd: MailCommand, fixtureDomains: readonly string[] | undefined): Promise<readonly string[]> {
  if (cmd.domains.length > 0) return cmd.domains;
  if (fixtureDomains && fixtureDomains.length > 0) return fixtureDomains.map(parseDomain);
  throw new UsageError(`missing DOMAIN (the fixture ${cmd.fixtureFile ?? ''} records no mail domains)`);
}

export async function runMail(cmd: MailCommand, io: CliIo): Promise<number> {
  const entries = cmd.from !== undefined ? await readEntries(cmd.from, io as BulkIo) : undefined;
  const session = await openSession(cmd, { resultCacheSize: RUN_RESULT_CACHE });
  const fixtureMail = session.fixture ? mailFixtureField(session.fixture) : undefined;
  const selectors = cmd.dkimSelectors.length > 0 ? cmd.dkimSelectors : (fixtureMail?.dkimSelectors ?? []);
  const check = (d: string): Promise<MailReport> => checkMail(d, { validator: session.validator, dkimSelectors: selectors });
  let code: number;
  let domains: readonly string[] = [];
  try {
    if (entries !== undefined) {
      domains = entries;
      code = await runBulk(
        {
          entries,
          concurrency: cmd.concurrency,
          json: cmd.json,
          work: async (entry) => asResult(await check(parseDomain(entry))),
          errorResult,
        },
        io as BulkIo,
      );
    } else {
      domains = await domainsOf(cmd, fixtureMail?.domains);
      const reports = await Promise.all(domains.map(check));
      code = 0;
      for (const [i, r] of reports.entries()) {
        if (!cmd.json && i > 0) io.stdout.write('\n');
        io.stdout.write(cmd.json ? `${JSON.stringify(mailJson(r))}\n` : formatMailText(r));
        code = Math.max(code, mailExitCode(r));
      }
    }
  } finally {
    const failed = await session.finish({ mail: { domains, dkimSelectors: selectors } });
    if (failed) {
      io.stderr.write(`dnssec-stub: ${failed}\n`);
      code = EXIT.IO;
    }
  }
  return code;
}

/** `dnssec-stub mail ...` (argv after "mail"). Throws UsageError. */
export async function runMailCommand(args: readonly string[], io: CliIo): Promise<number> {
  const cmd = parseMail(args);
  if (cmd.command === 'help') {
    io.stdout.write(MAIL_USAGE);
    return 0;
  }
  return runMail(cmd, io);
}
