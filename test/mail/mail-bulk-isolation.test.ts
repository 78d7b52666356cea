/**
 * `dnssec-stub mail --from FILE` (one validator, one cache for the run): a
 * domain whose lookups fail, or that is not a name, changes no other
 * domain's report; lines stay in input order; the exit status is the
 * highest of the results' (error 3 > bogus 2 > insecure 1 > secure 0).
 * Replayed from a lab fixture, no network.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';

const FIXTURE = fileURLToPath(new URL('../../fixtures/lab/mail/mail-dane-required.json', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'dnssec-stub-mail-bulk-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function listFile(lines: readonly string[]): string {
  const file = join(tmp, `l${Math.random().toString(36).slice(2)}.txt`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

type Line = { domain: string; status: string; summary?: string; hosts?: { name: string; dane: string }[]; error?: string };
const parse = (out: string): Line[] => out.trim().split('\n').map((l) => JSON.parse(l) as Line);
const withoutTiming = (l: Line): unknown => JSON.parse(JSON.stringify(l, (k, v: unknown) => (k === 'ttl' ? undefined : v)));

describe('mail --from: one failing domain does not change another', () => {
  it('a domain without answers (error) and a non-name (error line) between two copies of a DANE domain: both copies equal the report run alone, in input order, exit 3', async () => {
    const alone = await runCli(['mail', '--fixture', FIXTURE, '--from', listFile(['good.dane.lab']), '--json', '--dkim', 'sel1']);
    expect(alone.code).toBe(0);
    const [ref] = parse(alone.stdout);
    expect(ref!.hosts!.map((h) => h.dane)).toEqual(['required', 'required']);

    const mixed = await runCli(['mail', '--fixture', FIXTURE, '--from', listFile(['good.dane.lab', 'absent.dane.lab', 'a..b', 'good.dane.lab']), '--json', '--dkim', 'sel1', '--concurrency', '4']);
    const lines = parse(mixed.stdout);
    expect(lines.map((l) => [l.domain, l.status])).toEqual([
      ['good.dane.lab.', 'secure'],
      ['absent.dane.lab.', 'error'],
      ['a..b', 'error'],
      ['good.dane.lab.', 'secure'],
    ]);
    expect(withoutTiming(lines[0]!)).toEqual(withoutTiming(ref!));
    expect(withoutTiming(lines[3]!)).toEqual(withoutTiming(ref!));
    expect(lines[1]!.summary).toMatch(/MX lookup failed: defer/);
    expect(lines[2]!.error).toMatch(/invalid domain name/);
    expect(mixed.code).toBe(3);
  });
});
