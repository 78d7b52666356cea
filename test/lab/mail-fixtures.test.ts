/**
 * Mail reports offline: every fixture in fixtures/lab/mail (captured from
 * the lab by test/lab/mail-capture.mjs) replays without network, at its
 * capture time with its own anchors, to its case's report (overall status,
 * RFC 7672 verdict per host, the facts the case names) — through
 * checkMail(), `dnssec-stub mail --fixture` (JSON and text) and `demo`.
 * Replayed long after the capture, the signatures have expired: the same
 * exchanges give bogus. No lab needed.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main, type CliIo } from '../../src/cli/main.js';
import { mailFixtureField } from '../../src/cli/mail-fixture.js';
import { FixtureSource, fixtureAnchors, readFixture } from '../../src/fixtures/fixture.js';
import { checkMail } from '../../src/mail/check-mail.js';
import { createValidator } from '../../src/validator/validator.js';
import { expectFacts, mailCases } from './mail-cases.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const DIR = join(HERE, '..', '..', 'fixtures', 'lab', 'mail');
const EXIT_OF = { secure: 0, insecure: 1, bogus: 2 } as const;
const files = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();

function memoryIo(): CliIo & { out: () => string } {
  let out = '';
  return { stdout: { write: (t: string) => (out += t) }, stderr: { write: () => true }, isTTY: false, env: {}, out: () => out };
}

describe('fixtures/lab/mail replays the mail cases offline', () => {
  it('holds one fixture per mail case, and nothing else', () => {
    expect(files.map((f) => f.replace(/\.json$/, ''))).toEqual(mailCases.map((c) => c.name).sort());
  });

  it.each(mailCases)('$name: checkMail over the fixture gives $status and the RFC 7672 verdicts', async (c) => {
    const file = join(DIR, `${c.name}.json`);
    const fixture = readFixture(file);
    expect(mailFixtureField(fixture)?.domains).toEqual([c.domain]);
    const validator = createValidator({ source: new FixtureSource(fixture, file), trustAnchors: fixtureAnchors(fixture, file), clock: () => fixture.time });
    expectFacts(c, await checkMail(c.domain, { validator, dkimSelectors: c.dkim ?? [] }));
  });

  it.each(mailCases)('$name: `mail --fixture` prints it in JSON and text with exit status of $status', async (c) => {
    const file = join(DIR, `${c.name}.json`);
    const json = memoryIo();
    expect(await main(['mail', '--fixture', file, '--json'], json)).toBe(EXIT_OF[c.status]);
    const obj = JSON.parse(json.out()) as { domain: string; status: string; hosts: { name: string; dane: string }[] };
    expect([obj.domain, obj.status]).toEqual([c.domain, c.status]);
    expect(obj.hosts.map((h) => [h.name, h.dane])).toEqual(c.dane);
    const text = memoryIo();
    expect(await main(['mail', '--fixture', file], text)).toBe(EXIT_OF[c.status]);
    expect(text.out()).toContain(`\n; ${c.status}: `);
  });

  it.each(mailCases.filter((c) => c.status === 'secure'))('$name: replayed 60 days after the capture, expired signatures make it bogus', async (c) => {
    const file = join(DIR, `${c.name}.json`);
    const at = String(readFixture(file).time + 60 * 86_400);
    const io = memoryIo();
    expect(await main(['mail', '--fixture', file, '--at', at, '--json'], io)).toBe(2);
    expect(JSON.parse(io.out()).status).toBe('bogus');
  });

  it('demo replays the mail fixtures as reports and finds every one as expected', async () => {
    const io = memoryIo();
    expect(await main(['demo', DIR], io)).toBe(0);
    expect(io.out()).toContain(`;; ${files.length} fixtures replayed, ${files.length} as expected`);
    expect(io.out().match(/^;; mail report for /gm)?.length).toBe(files.length);
  });
});
