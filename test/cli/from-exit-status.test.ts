/**
 * `validate --from FILE`: the exit status is the highest of the entries'
 * statuses (README "Many names"), and a bad line is an entry with status
 * error (3), never a usage error; 64 is for the command line or an
 * unreadable FILE. Offline, over a lab fixture.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { oneErrorLine, runCli } from './run-cli.js';

const FIXTURE = fileURLToPath(new URL('../../fixtures/lab/tld-positive.json', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'dnssec-stub-from-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function names(lines: string[]): string {
  const file = join(tmp, `n${Math.random().toString(36).slice(2)}.txt`);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

describe('validate --from: exit status', () => {
  it('0 when every entry is secure', async () => {
    const r = await runCli(['validate', '--from', names(['# a comment', '', 'www.lab A']), '--fixture', FIXTURE, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout.trim()).status).toBe('secure');
  });

  it.each([
    ['a bad name', 'bad..lab'],
    ['an unknown type', 'www.lab FOO'],
    ['a question without an answer', 'www.lab AAAA'],
  ])('3 when one entry is an error (%s); the other entries are still answered', async (_what, line) => {
    const r = await runCli(['validate', '--from', names(['www.lab A', line]), '--fixture', FIXTURE, '--json']);
    expect(r.code).toBe(3);
    const out = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { status: string });
    expect(out.map((o) => o.status)).toEqual(['secure', 'error']);
  });

  it('64 when FILE cannot be read, with one line on stderr', async () => {
    const r = await runCli(['validate', '--from', join(tmp, 'missing.txt'), '--fixture', FIXTURE]);
    expect(r.code).toBe(64);
    expect(oneErrorLine(r.stderr), r.stderr).toBe(true);
  });
});
