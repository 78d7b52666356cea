/**
 * The front door of `dnssec-stub validate` (issue 9, item 4): every input
 * gives a verdict or one clear line with a documented exit status, and
 * nothing wrong reaches the network. A real Unbound on loopback logs every
 * query it receives (log-queries), so "refused before any query" is read
 * from the server's own log (closed by one question from dig), and the A-label of an internationalized name
 * is seen as it arrived on the wire.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseServer, parseTime } from '../../src/cli/args.js';
import { main } from '../../src/cli/main.js';
import { type UnboundFixture, startUnbound } from '../resolver/unbound-fixture.js';
import { oneErrorLine, runCli } from './run-cli.js';

const LOG_WAIT_MS = 3000;
const DIG_TIMEOUT_MS = 10_000;
const execFileAsync = promisify(execFile);
const LAB = new URL('../../fixtures/lab/', import.meta.url).pathname;

let ub: UnboundFixture;
let server: string;
let tmp: string;
let marker = 0;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'dnssec-stub-front-'));
  ub = await startUnbound({
    extraServerConfig: ['log-queries: yes'],
    localData: ['xn--bcher-kva.test. 300 IN MX 10 mx.test.', 'www.test. 300 IN A 192.0.2.1', 'test. 300 IN SOA ns.test. host.test. 1 7200 3600 1209600 60'],
  });
  server = `${ub.server.host}:${ub.server.port}`;
});

afterAll(async () => {
  await ub?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** Waits (bounded) until Unbound's log holds `needle`. */
async function logged(needle: string): Promise<boolean> {
  for (let waited = 0; waited < LOG_WAIT_MS; waited += 50) {
    if (ub.log().includes(needle)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

/**
 * The queries Unbound logged while `fn` ran: a marker question asked after
 * `fn` closes the window, so everything `fn` sent is in the log by then.
 */
async function queriesDuring(fn: () => Promise<unknown>): Promise<string[]> {
  const before = ub.log().length;
  await fn();
  // dig sends exactly this one question, so every other line in the window is fn's.
  const name = `marker-${++marker}.test.`;
  await execFileAsync('dig', [`@${ub.server.host}`, '-p', String(ub.server.port), name, 'TXT', '+tries=1', '+time=3'], { timeout: DIG_TIMEOUT_MS });
  expect(await logged(`${name} TXT IN`)).toBe(true);
  return ub
    .log()
    .slice(before)
    .split('\n')
    .filter((l) => / info: 127\.0\.0\.1 /.test(l) && !l.includes('marker-'));
}

describe('names', () => {
  it('a non-ASCII name is asked as its A-label (IDNA), and the answer shows the name asked', async () => {
    const r = await runCli(['validate', 'bücher.test', 'MX', '--server', server, '--json']);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as { name: string; status: string };
    expect(out.name).toBe('xn--bcher-kva.test.');
    // Unsigned local data under the real root anchor: bogus, exit 2 — the answer came back for the A-label.
    expect(r.code).toBe(2);
    expect(await logged('xn--bcher-kva.test. MX IN')).toBe(true);
    expect(ub.log()).not.toMatch(/b\\252cher|b\\195\\188cher/);
  });

  it('the same name in upper case and with a trailing dot is the same A-label', async () => {
    const r = await runCli(['validate', 'BÜCHER.test.', 'MX', '--server', server, '--json']);
    expect((JSON.parse(r.stdout) as { name: string }).name).toBe('xn--bcher-kva.test.');
  });

  const refused: [string, string, RegExp][] = [
    ['the empty name', '', /^dnssec-stub: empty NAME: give a domain name \(the root is "\."\)$/],
    ['"-"', '-', /^dnssec-stub: "-" is not a domain name \(to read names from standard input: --from -\)$/],
    ['a 64-octet label', `${'a'.repeat(64)}.test`, /invalid domain name "a{64}\.test": label longer than 63 octets/],
    ['a 64-octet label after IDNA', `${'ü'.repeat(60)}.test`, /invalid domain name .*label longer than 63 octets/],
    ['a name over 255 octets', `${'abcdefghi.'.repeat(26)}test`, /invalid domain name .*name longer than 255 octets/],
    ['an empty label', 'a..test', /invalid domain name "a\.\.test": empty label/],
    ['non-ASCII with a space', 'bü cher.test', /mixes non-ASCII characters with " "/],
    ['non-ASCII with a percent sign (never URL-decoded)', 'bü%41.test', /mixes non-ASCII characters with "%"/],
    ['non-ASCII with a slash (never cut like a URL)', 'bü/x.test', /mixes non-ASCII characters with "\/"/],
  ];

  it.each(refused)('%s: exit 64 with the reason, before any query', async (_what, name, message) => {
    let r = { code: -1, stdout: '', stderr: '' };
    const queries = await queriesDuring(async () => (r = await runCli(['validate', name, 'A', '--server', server])));
    expect(r.code).toBe(64);
    expect(oneErrorLine(r.stderr), r.stderr).toBe(true);
    expect(r.stderr.trimEnd()).toMatch(message);
    expect(r.stdout).toBe('');
    expect(queries).toEqual([]);
  });
});

describe('types', () => {
  const refused: [string, RegExp][] = [
    ['ANY', /cannot validate type ANY: ANY has no complete answer to validate \(RFC 8482 §4\.2/],
    ['TYPE255', /cannot validate type ANY/],
    ['AXFR', /cannot validate type AXFR: AXFR is a zone transfer/],
    ['IXFR', /cannot validate type IXFR: IXFR is a zone transfer/],
    ['OPT', /cannot validate type OPT: OPT is an EDNS pseudo-record/],
    ['TYPE0', /cannot validate type TYPE0: TYPE0 is reserved/],
    ['MAILA', /cannot validate type MAILA: MAILA is an obsolete query type/],
    ['MAILB', /cannot validate type MAILB/],
    ['TKEY', /cannot validate type TKEY/],
    ['TSIG', /cannot validate type TSIG/],
    ['RRSIG', /cannot validate type RRSIG: an RRSIG RRset is never itself signed \(RFC 4035 §2\.2\), so it can be neither secure nor bogus/],
    ['rrsig', /cannot validate type RRSIG/],
    ['TYPE46', /cannot validate type RRSIG/],
  ];

  it.each(refused)('%s: exit 64 with the reason, before any query', async (type, message) => {
    let r = { code: -1, stdout: '', stderr: '' };
    const queries = await queriesDuring(async () => (r = await runCli(['validate', 'www.test', type, '--server', server])));
    expect(r.code).toBe(64);
    expect(oneErrorLine(r.stderr), r.stderr).toBe(true);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
    expect(queries).toEqual([]);
  });

  it('a type that can be validated is still asked (the refusals are not a blanket)', async () => {
    const queries = await queriesDuring(() => runCli(['validate', 'www.test', 'TYPE65534', '--server', server]));
    expect(queries.some((l) => l.includes('www.test. TYPE65534 IN'))).toBe(true);
  });

  it('a fixture whose question is a meta-type is refused the same way', async () => {
    const f = JSON.parse(readFileSync(join(LAB, 'mail-tlsa.json'), 'utf8')) as Record<string, unknown>;
    const file = join(tmp, 'any-question.json');
    writeFileSync(file, JSON.stringify({ ...f, question: { name: 'mail.lab.', type: 'ANY' } }));
    const r = await runCli(['validate', '--fixture', file]);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain(`${file}: question: cannot validate type ANY`);
  });
});

describe('options', () => {
  it.each([
    ['127.0.0.1#5353', { host: '127.0.0.1', port: 5353 }],
    ['127.0.0.1@5353', { host: '127.0.0.1', port: 5353 }],
    ['::1#5353', { host: '::1', port: 5353 }],
    ['::1@5353', { host: '::1', port: 5353 }],
    ['[::1]#5353', { host: '::1', port: 5353 }],
    ['fe80::1%eth0#53', { host: 'fe80::1%eth0', port: 53 }],
    ['127.0.0.1', { host: '127.0.0.1', port: 853 }],
  ])('--server %s', (text, want) => {
    expect(parseServer(text, 853)).toEqual(want);
  });

  it.each([
    ['127.0.0.1#5353@53', /more than one port separator/],
    ['127.0.0.1##53', /more than one port separator/],
    ['@127.0.0.1', /write the address without "@" \(--server 127\.0\.0\.1\)/],
    ['127.0.0.1#', /bad port ""/],
    ['127.0.0.1#0', /bad port "0"/],
    ['localhost#53', /must be an IP address/],
    ['127.0.0.1:53#53', /must be an IP address/],
  ])('--server %s is refused', (text, message) => {
    expect(() => parseServer(text, 53)).toThrow(message);
  });

  it.each(['#', '@'])('HOST%sPORT reaches the server on that port', async (sep) => {
    const r = await runCli(['validate', 'www.test', '--server', `${ub.server.host}${sep}${ub.server.port}`, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(2);
    expect((JSON.parse(r.stdout) as { name: string }).name).toBe('www.test.');
  });

  it.each([
    [['validate', 'x.test', '--server', '--trust-anchor', 'f'], /^dnssec-stub: --server needs a value, not the option "--trust-anchor" \(for a value that starts with "-", write --server=VALUE\)$/],
    [['validate', 'x.test', '--server'], /^dnssec-stub: --server needs a value$/],
    [['validate', 'x.test', '--at', '--json'], /^dnssec-stub: --at needs a value, not the option "--json"/],
    [['validate', 'x.test', '--capture'], /^dnssec-stub: --capture needs a value$/],
    [['validate', 'x.test', '--trust-anchor', '-x'], /^dnssec-stub: --trust-anchor needs a value, not the option "-x"/],
  ])('%j: exit 64, says which option needs a value', async (argv, message) => {
    const r = await runCli(argv);
    expect(r.code).toBe(64);
    expect(oneErrorLine(r.stderr), r.stderr).toBe(true);
    expect(r.stderr.trimEnd()).toMatch(message);
  });

  it('--at without a time zone is UTC, whatever the local zone', () => {
    const utc = Date.UTC(2026, 10, 30, 10, 0, 0) / 1000;
    expect(parseTime('2026-11-30 10:00')).toBe(utc);
    expect(parseTime('2026-11-30T10:00')).toBe(utc);
    expect(parseTime('2026-11-30T10:00:00')).toBe(utc);
    expect(parseTime('2026-11-30T11:00+01:00')).toBe(utc);
    expect(parseTime('2026-11-30T11:00+0100')).toBe(utc);
  });

  it.each([
    ['2026-02-30', /--at "2026-02-30": not an ISO 8601 time .*UTC when no zone is given/],
    ['2026-11-30T24:00Z', /not an ISO 8601 time/],
    ['2026-13-01', /not an ISO 8601 time/],
    ['1796032800000', /--at 1796032800000: looks like milliseconds; give unix seconds/],
  ])('--at %s is refused', (text, message) => {
    expect(() => parseTime(text)).toThrow(message);
  });

  describe('a repeated --trust-anchor merges the anchors', () => {
    let rootFile: string;
    let islandFile: string;
    const fixture = join(LAB, 'mail-tlsa.json');

    beforeAll(() => {
      const f = JSON.parse(readFileSync(fixture, 'utf8')) as { trustAnchors: string[] };
      rootFile = join(tmp, 'root.ds');
      islandFile = join(tmp, 'island.ds');
      writeFileSync(rootFile, f.trustAnchors.join('\n') + '\n');
      // An anchor for an unrelated zone: alone, it covers nothing the fixture asks about.
      writeFileSync(islandFile, `example. IN DS 12345 13 2 ${'AB'.repeat(32)}\n`);
    });

    it('one file: its anchors alone (the island covers nothing here: insecure)', async () => {
      expect((await runCli(['validate', '--fixture', fixture, '--trust-anchor', rootFile])).code).toBe(0);
      expect((await runCli(['validate', '--fixture', fixture, '--trust-anchor', islandFile])).code).toBe(1);
    });

    it.each([
      ['root first', () => [rootFile, islandFile]],
      ['island first', () => [islandFile, rootFile]],
    ] as [string, () => string[]][])('two files (%s): both are used, the root anchor makes it secure', async (_order, files) => {
      const argv = ['validate', '--fixture', fixture, '--trace'];
      for (const f of files()) argv.push('--trust-anchor', f);
      const r = await runCli(argv);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/; fully validated\n$/);
    });
  });
});

describe('I/O errors: exit 74, checked before any query where they can be', () => {
  it.each([
    ['a missing directory', () => '/nonexistent/dir/x.json', /^dnssec-stub: --capture \/nonexistent\/dir\/x\.json: cannot write: .*ENOENT/],
    ['a directory', () => tmp, /^dnssec-stub: --capture .*: is a directory$/],
  ])('--capture into %s: exit 74, and no query is sent', async (_what, file, message) => {
    let r = { code: -1, stdout: '', stderr: '' };
    const queries = await queriesDuring(async () => (r = await runCli(['validate', 'www.test', '--server', server, '--capture', file()])));
    expect(r.code).toBe(74);
    expect(oneErrorLine(r.stderr), r.stderr).toBe(true);
    expect(r.stderr.trimEnd()).toMatch(message);
    expect(queries).toEqual([]);
  });

  it('a stdout whose write fails (disk full): exit 74 with the cause, not 70', async () => {
    let stderr = '';
    const code = await main(['validate', '--fixture', join(LAB, 'mail-tlsa.json')], {
      stdout: {
        write: () => {
          throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        },
      },
      stderr: { write: (t: string) => (stderr += t) },
    });
    expect(code).toBe(74);
    expect(stderr).toBe('dnssec-stub: cannot write to standard output: ENOSPC: no space left on device, write\n');
  });
});

describe('fixtures: unreadable or garbled is 64 with the file and line', () => {
  it('bad JSON: the line and column of the first bad character', async () => {
    const file = join(tmp, 'garbled.json');
    writeFileSync(file, '{\n "format": "dnssec-stub-fixture",\n "version": 1,\n "time": 17e8\n "exchanges": []\n}\n');
    const r = await runCli(['validate', '--fixture', file]);
    expect(r.code).toBe(64);
    expect(oneErrorLine(r.stderr), r.stderr).toBe(true);
    expect(r.stderr).toContain(`${file} line 5 column 2: not valid JSON`);
  });

  it('a garbled hand-written response: the file, the exchange and the line in its text', async () => {
    const f = JSON.parse(readFileSync(join(LAB, 'mail-tlsa.json'), 'utf8')) as Record<string, unknown>;
    const file = join(tmp, 'garbled-text.json');
    const text = ';; Header: QR AA RCODE=0\n;; Answer\nwww.test. 300 IN A 192.0.2.1\nwww.test. 300 IN A not-an-address\n';
    writeFileSync(file, JSON.stringify({ ...f, exchanges: [{ name: 'www.test.', type: 'A', text }] }));
    const r = await runCli(['validate', '--fixture', file, 'www.test', 'A']);
    expect(r.code).toBe(64);
    expect(oneErrorLine(r.stderr), r.stderr).toBe(true);
    expect(r.stderr).toContain(file);
    expect(r.stderr).toMatch(/line 4\b/);
  });

  it('a fixture that is a directory: 64 naming it', async () => {
    const dir = join(tmp, 'fixture-dir.json');
    mkdirSync(dir, { recursive: true });
    const r = await runCli(['validate', '--fixture', dir]);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain(`cannot read fixture ${dir}`);
  });
});

describe('exit statuses are documented', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

  it.each([
    ['0', 'secure'],
    ['1', 'insecure'],
    ['2', 'bogus'],
    ['3', 'no answer'],
    ['64', 'usage error'],
    ['70', 'internal error'],
    ['74', 'I/O error'],
  ])('exit %s (%s) is in --help and in the README', async (code, meaning) => {
    const help = (await runCli(['--help'])).stdout;
    expect(help).toMatch(new RegExp(`^ +${code} +${meaning}`, 'm'));
    expect(readme).toMatch(new RegExp(`^\\| ${code} \\| ${meaning}`, 'm'));
  });
});
