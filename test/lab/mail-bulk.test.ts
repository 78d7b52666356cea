/**
 * `--from FILE|-` with 1,000 lab names (bulk.lab.: d0000..d0999, one MX
 * host with TLSA, SPF and DMARC each), for `mail` and `validate`:
 * JSON Lines in input order, a failing name as an "error" line that does not
 * stop the run, the summary by status on stderr, the progress line when
 * stderr is a terminal, and Ctrl-C: an abort in-process and a real SIGINT
 * to a process, both exit 130 with what was done.
 *
 * Needs root and the lab tools (see README.md); skipped otherwise (CI=true fails).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BulkIo } from '../../src/cli/bulk.js';
import { main } from '../../src/cli/main.js';
import { labUnavailableReason, startLab, stopLab, type StartedLab } from './lab.js';

const CI = process.env['CI'] === 'true' || process.env['CI'] === '1';
const unavailable = labUnavailableReason();
const skip = unavailable !== null && !CI;
if (skip) console.warn(`[test/lab] --from tests skipped: ${unavailable}`);

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DOMAINS = Array.from({ length: 1000 }, (_, i) => `d${String(i).padStart(4, '0')}.bulk.lab.`);
/** Where the failing name goes in the input. */
const BAD_AT = 500;
const BAD = 'bad..name';

interface Collected extends BulkIo {
  out: () => string;
  err: () => string;
}

function collect(extra: Partial<BulkIo> = {}, onOut?: (all: string) => void): Collected {
  let out = '';
  let err = '';
  return {
    stdout: {
      write: (t: string) => {
        out += t;
        onOut?.(out);
        return true;
      },
    },
    stderr: { write: (t: string) => (err += t) },
    isTTY: false,
    env: {},
    ...extra,
    out: () => out,
    err: () => err,
  };
}

describe.skipIf(skip)('--from with 1,000 lab names', () => {
  let lab: StartedLab;
  let dir: string;
  let mailFile: string;
  let validateFile: string;
  let net: string[];

  beforeAll(async () => {
    if (unavailable !== null) throw new Error(`CI=true but the DNSSEC lab cannot run: ${unavailable}`);
    lab = await startLab();
    dir = mkdtempSync(join(tmpdir(), 'dnssec-stub-from-'));
    const mail = [...DOMAINS];
    mail.splice(BAD_AT, 0, BAD);
    mailFile = join(dir, 'domains.txt');
    writeFileSync(mailFile, `# mail domains\n${mail.join('\n')}\n\n`);
    validateFile = join(dir, 'names.txt');
    writeFileSync(validateFile, [...DOMAINS.map((d) => `${d} MX`), 'www.badsig.lab A', 'x.bulk.lab NOSUCHTYPE'].join('\n'));
    net = ['--server', `${lab.resolver.address}:${lab.resolver.port}`, '--trust-anchor', lab.anchors.ds, '--timeout', '3000'];
  }, 120_000);

  afterAll(async () => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (lab) await stopLab();
  });

  it('mail --from --json: one line per input line in input order, the failing name an "error" line, a summary, exit 3', async () => {
    const io = collect();
    const code = await main(['mail', '--from', mailFile, '--json', '--concurrency', '16', ...net], io);
    const lines = io.out().trim().split('\n').map((l) => JSON.parse(l) as { domain: string; status: string; error?: string; hosts?: { dane: string }[] });
    expect(lines).toHaveLength(1001);
    const expectedOrder = [...DOMAINS];
    expectedOrder.splice(BAD_AT, 0, BAD);
    expect(lines.map((l) => l.domain)).toEqual(expectedOrder);
    expect(lines[BAD_AT]!.status).toBe('error');
    expect(lines[BAD_AT]!.error).toMatch(/invalid domain name/);
    const good = lines.filter((_, i) => i !== BAD_AT);
    const notSecure = good.filter((l) => !(l.status === 'secure' && l.hosts?.[0]?.dane === 'required')).slice(0, 3);
    expect(notSecure, JSON.stringify(notSecure).slice(0, 2000)).toEqual([]);
    expect(io.err()).toMatch(/^;; 1001 names in [\d.]+ s \([\d.]+\/s\): 1000 secure, 1 error\n$/);
    expect(code).toBe(3);
  }, 300_000);

  it('validate --from (NAME TYPE per line): JSON Lines in order, a bogus answer and an unknown type as results, summary', async () => {
    const io = collect({ stderrIsTTY: true });
    const code = await main(['validate', '--from', validateFile, '--json', ...net], io);
    const lines = io.out().trim().split('\n').map((l) => JSON.parse(l) as { name: string; type: string; status: string });
    expect(lines.map((l) => l.name)).toEqual([...DOMAINS, 'www.badsig.lab.', 'x.bulk.lab']);
    expect(lines.slice(0, 1000).every((l) => l.status === 'secure' && l.type === 'MX')).toBe(true);
    expect(lines[1000]!.status).toBe('bogus');
    expect(lines[1001]!.status).toBe('error');
    // The progress line (stderr is a terminal here): done/total, rate, ETA, then cleared before the summary.
    expect(io.err()).toMatch(/\r\x1b\[K;; \d+\/1002 done, [\d.]+\/s, ETA \S+/);
    expect(io.err()).toMatch(/;; 1002 names in [\d.]+ s \([\d.]+\/s\): 1000 secure, 1 bogus, 1 error\n$/);
    expect(code).toBe(3);
  }, 300_000);

  it('--from - reads the names from stdin', async () => {
    const io = collect({ stdin: Readable.from([DOMAINS.slice(0, 10).join('\n'), '\n# done\n']) });
    expect(await main(['mail', '--from', '-', '--json', ...net], io)).toBe(0);
    expect(io.out().trim().split('\n').map((l) => (JSON.parse(l) as { domain: string }).domain)).toEqual(DOMAINS.slice(0, 10));
    expect(io.err()).toMatch(/;; 10 names in .*: 10 secure\n$/);
  }, 120_000);

  it('without a terminal on stderr there is no progress line', async () => {
    const io = collect();
    await main(['validate', '--from', validateFile, '--json', ...net], io);
    expect(io.err()).not.toMatch(/\r|ETA/);
  }, 300_000);

  it('Ctrl-C (abort) prints what is done, in input order, the summary says interrupted, exit 130', async () => {
    const controller = new AbortController();
    const io = collect({ signal: controller.signal }, (all) => {
      if (all.split('\n').length > 50) controller.abort();
    });
    const code = await main(['mail', '--from', mailFile, '--json', '--concurrency', '4', ...net], io);
    expect(code).toBe(130);
    const domains = io.out().trim().split('\n').map((l) => (JSON.parse(l) as { domain: string }).domain);
    expect(domains.length).toBeGreaterThanOrEqual(50);
    expect(domains.length).toBeLessThan(1001);
    const order = [...DOMAINS];
    order.splice(BAD_AT, 0, BAD);
    const idx = domains.map((d) => order.indexOf(d));
    expect(idx.every((v, i) => v >= 0 && (i === 0 || v > idx[i - 1]!))).toBe(true);
    expect(io.err()).toMatch(new RegExp(`^;; interrupted: ${domains.length} of 1001 done in `));
  }, 300_000);

  it('a real SIGINT to the process: exit 130 with partial JSON Lines and the summary', async () => {
    const viteNode = join(ROOT, 'node_modules', 'vite-node', 'vite-node.mjs');
    const child = spawn(process.execPath, [viteNode, join(ROOT, 'test', 'lab', 'cli-process.ts'), '--', 'mail', '--from', mailFile, '--json', '--concurrency', '2', ...net], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let sent = false;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!sent && out.split('\n').length > 5) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    clearTimeout(timer);
    expect(sent, err).toBe(true);
    expect(code, err).toBe(130);
    const lines = out.trim().split('\n');
    expect(lines.length).toBeLessThan(1000);
    expect(lines.map((l) => (JSON.parse(l) as { domain: string }).domain)).toEqual(DOMAINS.slice(0, lines.length));
    expect(err).toMatch(/;; interrupted: \d+ of 1001 done in /);
  }, 180_000);
});
