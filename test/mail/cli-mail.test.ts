/**
 * `dnssec-stub mail` without a network: usage errors (exit 64), and a
 * report where questions get no answer (a fixture without those exchanges):
 * a missing MX answer makes the report "error" (exit 3, RFC 7672 §2.1.2:
 * defer); a missing TLSA answer makes the host do-not-deliver (exit 2).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { oneErrorLine, runCli } from '../cli/run-cli.js';

const FIXTURE = fileURLToPath(new URL('../../fixtures/lab/mail/mail-dane-required.json', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'dnssec-stub-mail-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The fixture without the exchanges `drop` matches. */
function without(drop: (x: { name: string; type: string }) => boolean): string {
  const f = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { exchanges: { name: string; type: string }[] };
  f.exchanges = f.exchanges.filter((x) => !drop(x));
  const file = join(tmp, `f${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(f));
  return file;
}

describe('dnssec-stub mail: usage errors exit 64 with one line', () => {
  it.each([
    [['mail'], /missing DOMAIN/],
    [['mail', 'a.example', '--from', 'x.txt'], /not both/],
    [['mail', '--from', 'x.txt', '--concurrency', '0'], /--concurrency/],
    [['mail', 'a.example', '--bogus-option'], /Unknown option/],
    [['mail', 'a..example'], /invalid domain name/],
    [['mail', 'a.example', '--fixture', FIXTURE, '--server', '127.0.0.1'], /--fixture replays without network/],
    [['mail', '--from', '/nonexistent/names.txt', '--server', '127.0.0.1'], /cannot read/],
    [['mail', 'a.example', '--dkim', 'bad selector'], /not a selector/],
  ])('%j', async (argv, message) => {
    const r = await runCli(argv);
    expect(r.code).toBe(64);
    expect(oneErrorLine(r.stderr), r.stderr).toBe(true);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('mail --help prints the mail usage', async () => {
    const r = await runCli(['mail', '--help']);
    expect([r.code, r.stdout.startsWith('Usage:\n  dnssec-stub mail DOMAIN')]).toEqual([0, true]);
  });
});

describe('dnssec-stub mail: questions without an answer', () => {
  it('RFC 7672 §2.1.2: no answer to the MX question: status error, no hosts, exit 3', async () => {
    const r = await runCli(['mail', '--fixture', without((x) => x.type === 'MX'), '--json']);
    expect(r.code).toBe(3);
    const obj = JSON.parse(r.stdout) as { status: string; hosts: unknown[]; mx: { status: string }; summary: string };
    expect([obj.status, obj.mx.status, obj.hosts.length]).toEqual(['error', 'error', 0]);
    expect(obj.summary).toMatch(/defer/);
  });

  it('RFC 7672 §2.1.2: no answer to one host\'s TLSA question: that host is do-not-deliver, exit 2', async () => {
    const r = await runCli(['mail', '--fixture', without((x) => x.name === '_25._tcp.mx2.good.dane.lab.'), '--json']);
    expect(r.code).toBe(2);
    const obj = JSON.parse(r.stdout) as { status: string; hosts: { name: string; dane: string; rfc: string }[] };
    expect(obj.hosts.map((h) => [h.name, h.dane, h.rfc])).toEqual([
      ['mx.good.dane.lab.', 'required', 'RFC 7672 §2.2, §3.1'],
      ['mx2.good.dane.lab.', 'do-not-deliver', 'RFC 7672 §2.1.2'],
    ]);
    expect(obj.status).toBe('bogus');
  });

  it('a policy TXT question without an answer makes the report "error", the DANE verdicts stand', async () => {
    const r = await runCli(['mail', '--fixture', without((x) => x.name === '_dmarc.good.dane.lab.' && x.type === 'TXT'), '--json']);
    const obj = JSON.parse(r.stdout) as { status: string; dmarc: { status: string; policy: string | null }; hosts: { dane: string }[] };
    expect([r.code, obj.status, obj.dmarc.status, obj.dmarc.policy]).toEqual([3, 'error', 'error', null]);
    expect(obj.hosts.map((h) => h.dane)).toEqual(['required', 'required']);
  });
});
