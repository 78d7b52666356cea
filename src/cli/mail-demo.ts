/**
 * `demo` for a fixture with a `mail` field: replays the mail report(s)
 * offline at the capture time and checks `mail.expected` (the overall
 * status and each host's DANE verdict) and `expected.status`.
 */
import { type Fixture, FixtureSource, fixtureAnchors } from '../fixtures/fixture.js';
import { checkMail } from '../mail/check-mail.js';
import { createValidator } from '../validator/validator.js';
import type { CliIo } from './io.js';
import { formatMailText } from './mail-format.js';
import { mailFixtureField } from './mail-fixture.js';

export type MailReplayOutcome = { ok: true } | { ok: false; why: string };

export async function replayMailFixture(fixture: Fixture, file: string, shown: string, io: CliIo): Promise<MailReplayOutcome> {
  const mail = mailFixtureField(fixture);
  if (!mail) return { ok: false, why: 'no mail domains in the fixture' };
  io.stdout.write(`;; ${shown}: mail ${mail.domains.join(' ')}, at ${new Date(fixture.time * 1000).toISOString()}\n`);
  if (fixture.description) io.stdout.write(`;; ${fixture.description.replace(/\s*\n\s*/g, ' ')}\n`);
  const validator = createValidator({ source: new FixtureSource(fixture, file), trustAnchors: fixtureAnchors(fixture, file), clock: () => fixture.time });
  const problems: string[] = [];
  for (const domain of mail.domains) {
    const report = await checkMail(domain, { validator, dkimSelectors: mail.dkimSelectors });
    io.stdout.write(formatMailText(report));
    const want = mail.expected?.[domain] ?? (mail.domains.length === 1 && fixture.expected ? { status: fixture.expected.status } : undefined);
    if (!want) continue;
    if (report.status !== want.status) problems.push(`${domain} expected ${want.status}, got ${report.status}`);
    for (const [host, verdict] of Object.entries(want.dane ?? {})) {
      const got = report.hosts.find((h) => h.name === host)?.dane ?? 'no such host';
      if (got !== verdict) problems.push(`${domain} host ${host} expected DANE ${verdict}, got ${got}`);
    }
  }
  for (const p of problems) io.stdout.write(`; MISMATCH: ${p}\n`);
  return problems.length === 0 ? { ok: true } : { ok: false, why: problems.join('; ') };
}
