/**
 * The `dnssec-stub` command without the lab: usage errors (exit 64, one
 * line on stderr), --help/--version, JSON and text output, colour rules,
 * network failures (exit 3), capture then replay, and `demo`; the network
 * cases run against a real Unbound on loopback serving unsigned local data,
 * which the shipped root anchor makes bogus (there is no real root here).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseServer, parseTime } from '../../src/cli/args.js';
import { readFixture } from '../../src/fixtures/fixture.js';
import { type UnboundFixture, freePort, startUnbound } from '../resolver/unbound-fixture.js';
import { oneErrorLine, runCli } from './run-cli.js';

const JSON_KEYS = ['status', 'name', 'type', 'rcode', 'records', 'ttl', 'reasons', 'chain'];

let ub: UnboundFixture;
let tmp: string;
let server: string;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'dnssec-stub-cli-'));
  ub = await startUnbound({
    tls: true,
    https: true,
    localData: ['www.test. 300 IN A 192.0.2.1', 'test. 300 IN MX 10 mx.test.', 'test. 300 IN SOA ns.test. host.test. 1 7200 3600 1209600 60'],
  });
  server = `${ub.server.host}:${ub.server.port}`;
});

afterAll(async () => {
  await ub?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('usage', () => {
  it('--help prints the usage on stdout and exits 0', async () => {
    for (const argv of [['--help'], ['-h'], ['validate', '--help']]) {
      const r = await runCli(argv);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^Usage:/);
      expect(r.stdout).toContain('--trust-anchor FILE');
      expect(r.stderr).toBe('');
    }
  });

  it('--version prints the version from package.json', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`dnssec-stub ${pkg.version}\n`);
  });

  const bad: [string, string[], RegExp][] = [
    ['no command', [], /missing command/],
    ['an unknown command', ['resolve', 'x.test'], /unknown command "resolve"/],
    ['an unknown option', ['validate', 'x.test', '--frobnicate'], /--frobnicate/],
    ['a missing NAME', ['validate'], /missing NAME/],
    ['a bad name', ['validate', 'a..test'], /invalid domain name/],
    ['an unknown type', ['validate', 'x.test', 'NOTATYPE'], /unknown RR type "NOTATYPE"/],
    ['too many arguments', ['validate', 'x.test', 'A', 'IN'], /too many arguments/],
    ['a bad --at', ['validate', 'x.test', '--at', 'yesterday'], /--at "yesterday"/],
    ['a host name as --server', ['validate', 'x.test', '--server', 'dns.example'], /must be an IP address/],
    ['a bad port', ['validate', 'x.test', '--server', '127.0.0.1:99999'], /bad port/],
    ['two transports', ['validate', 'x.test', '--tcp', '--tls'], /cannot be combined/],
    ['a bad --timeout', ['validate', 'x.test', '--timeout', '-5'], /--timeout/],
    ['a non-https --https URL', ['validate', 'x.test', '--https', 'http://127.0.0.1/dns-query'], /https:\/\//],
    ['--ca without TLS', ['validate', 'x.test', '--ca', '/etc/hostname'], /--ca is for/],
    ['network options with --fixture', ['validate', 'x.test', '--fixture', '/nonexistent.json', '--server', '127.0.0.1'], /replays without network/],
    ['an unreadable anchor file', ['validate', 'x.test', '--server', '127.0.0.1', '--trust-anchor', '/nonexistent/anchors.xml'], /cannot read trust anchor file/],
    ['an unreadable fixture', ['validate', '--fixture', '/nonexistent/fixture.json'], /cannot read fixture/],
    ['a missing demo directory', ['demo', '/nonexistent/fixtures'], /cannot read the fixture directory/],
  ];

  it.each(bad)('%s: exit 64, one line on stderr, nothing on stdout', async (_what, argv, message) => {
    const r = await runCli(argv);
    expect(r.code).toBe(64);
    expect(oneErrorLine(r.stderr), r.stderr).toBe(true);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('too many arguments: the first three named, then how many more (a long list is still one short line)', async () => {
    const few = await runCli(['validate', 'x.test', 'A', 'IN', 'CH']);
    expect(few.stderr).toBe('dnssec-stub: too many arguments: IN CH (expected NAME [TYPE])\n');
    const names = Array.from({ length: 20_000 }, (_, i) => `n${i}.test`);
    const many = await runCli(['validate', ...names]);
    expect(many.code).toBe(64);
    expect(many.stderr).toBe('dnssec-stub: too many arguments: n2.test n3.test n4.test and 19995 more (expected NAME [TYPE])\n');
    const demo = await runCli(['demo', 'a', 'b', 'c', 'd', 'e']);
    expect(demo.stderr).toBe('dnssec-stub: too many arguments: b c d and 1 more (expected [DIR])\n');
  });

  it('a trust anchor file without anchors is a usage error', async () => {
    const file = join(tmp, 'empty-anchors.txt');
    writeFileSync(file, '; nothing here\n');
    const r = await runCli(['validate', 'www.test', '--server', server, '--trust-anchor', file]);
    expect(r.code).toBe(64);
    expect(oneErrorLine(r.stderr), r.stderr).toBe(true);
  });
});

describe('argument values', () => {
  it.each([
    ['127.0.0.1', { host: '127.0.0.1', port: 53 }],
    ['127.0.0.1:5353', { host: '127.0.0.1', port: 5353 }],
    ['::1', { host: '::1', port: 53 }],
    ['[::1]', { host: '::1', port: 53 }],
    ['[::1]:5353', { host: '::1', port: 5353 }],
    ['[fe80::1%eth0]:53', { host: 'fe80::1%eth0', port: 53 }],
  ])('--server %s', (text, want) => {
    expect(parseServer(text, 53)).toEqual(want);
  });

  it.each(['::1:5353x', '[::1]:0', '[::1]:', 'localhost', '127.0.0.1:65536', '[127.0.0.1'])('--server %s is refused', (text) => {
    expect(() => parseServer(text, 53)).toThrow(/--server/);
  });

  it.each([
    ['1700000000', 1_700_000_000],
    ['2023-11-14T22:13:20Z', 1_700_000_000],
    ['2023-11-14T23:13:20+01:00', 1_700_000_000],
    ['2023-11-14', 1_699_920_000],
  ])('--at %s', (text, want) => {
    expect(parseTime(text)).toBe(want);
  });

  it.each(['now', '2023-13-45', '17e8', '-5', ''])('--at %j is refused', (text) => {
    expect(() => parseTime(text)).toThrow(/--at/);
  });
});

describe('validate against a real Unbound (unsigned data, shipped root anchor: bogus)', () => {
  it.each([
    ['udp', () => ['--server', server]],
    ['tcp', () => ['--server', server, '--tcp']],
    ['tls', () => ['--server', `127.0.0.1:${ub.tlsServer!.port}`, `--tls=${ub.tlsServerName}`, '--ca', ub.caFile!]],
    ['tls (certificate checked against the IP address)', () => ['--server', `127.0.0.1:${ub.tlsServer!.port}`, '--tls', '--ca', ub.caFile!]],
    ['https', () => ['--https', ub.httpsUrl!, '--ca', ub.caFile!]],
  ] as [string, () => string[]][])('over %s: exit 2 and exactly one JSON object with the documented keys', async (_p, transport) => {
    const r = await runCli(['validate', 'www.test', 'A', ...transport(), '--timeout', '3000', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(2);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(JSON_KEYS);
    expect(out['status']).toBe('bogus');
    expect(out['name']).toBe('www.test.');
    expect(out['type']).toBe('A');
    expect(out['records']).toEqual([]); // fail closed: no records from a bogus answer
    const reasons = out['reasons'] as { ede: number; text: string; zone: string | null; keyTag: number | null }[];
    expect(reasons.length).toBeGreaterThan(0);
    for (const reason of reasons) expect(Object.keys(reason)).toEqual(['ede', 'text', 'zone', 'keyTag']);
    expect(Array.isArray(out['chain'])).toBe(true);
  });

  it('text output: a bogus status line with the reason and EDE, no records', async () => {
    const r = await runCli(['validate', 'test', 'MX', '--server', server]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^; bogus: .+ \(EDE \d+(, [^)]*)?\)\n/);
    expect(r.stdout).not.toContain('mx.test.');
  });

  it('colour only on a terminal, and never with --no-color or NO_COLOR', async () => {
    const argv = ['validate', 'www.test', '--server', server];
    const esc = '\x1b[';
    expect((await runCli(argv, { isTTY: true })).stdout).toContain(esc);
    expect((await runCli(argv, { isTTY: false })).stdout).not.toContain(esc);
    expect((await runCli([...argv, '--no-color'], { isTTY: true })).stdout).not.toContain(esc);
    expect((await runCli(argv, { isTTY: true, env: { NO_COLOR: '1' } })).stdout).not.toContain(esc);
  });

  it('--trace writes the chain to stderr and leaves stdout to the answer', async () => {
    const r = await runCli(['validate', 'www.test', '--server', server, '--trace', '--json']);
    expect(r.code).toBe(2);
    expect(() => JSON.parse(r.stdout)).not.toThrow();
    expect(r.stderr).toMatch(/^;; chain of trust for www\.test\. A at \d{4}-/);
    expect(r.stderr).toMatch(/;; verdict: bogus/);
  });

  it('--at sets the validation time (the anchors are read at that time too)', async () => {
    const r = await runCli(['validate', 'www.test', '--server', server, '--at', '2024-06-01T00:00:00Z', '--trace']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('at 2024-06-01T00:00:00.000Z');
  });
});

describe('no answer: exit 3', () => {
  it('a TLS certificate for another name: exit 3, no fallback to clear text', async () => {
    const r = await runCli(['validate', 'www.test', '--server', `127.0.0.1:${ub.tlsServer!.port}`, '--tls=other.example', '--ca', ub.caFile!, '--timeout', '2000']);
    expect(r.code).toBe(3);
    expect(oneErrorLine(r.stderr), r.stderr).toBe(true);
  });

  it('an unreadable --ca file is a usage error', async () => {
    const r = await runCli(['validate', 'www.test', '--server', `127.0.0.1:${ub.tlsServer!.port}`, '--tls', '--ca', '/nonexistent/ca.pem']);
    expect(r.code).toBe(64);
    expect(oneErrorLine(r.stderr), r.stderr).toBe(true);
  });

  it('a server that does not answer: exit 3 and one line naming it', async () => {
    const port = await freePort();
    const r = await runCli(['validate', 'www.test', '--server', `127.0.0.1:${port}`, '--tcp', '--timeout', '1000']);
    expect(r.code).toBe(3);
    expect(oneErrorLine(r.stderr), r.stderr).toBe(true);
    expect(r.stderr).toContain(`127.0.0.1:${port}`);
    expect(r.stdout).toBe('');
  });

  it('with --json, stdout still holds exactly one object: status "error" and the cause', async () => {
    const port = await freePort();
    const r = await runCli(['validate', 'www.test', '--server', `127.0.0.1:${port}`, '--tcp', '--timeout', '1000', '--json']);
    expect(r.code).toBe(3);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(out['status']).toBe('error');
    expect(out['name']).toBe('www.test.');
    expect(String(out['error'])).toContain(`127.0.0.1:${port}`);
  });

  it('a fixture without the needed response: exit 3', async () => {
    const file = join(tmp, 'empty-fixture.json');
    writeFileSync(
      file,
      JSON.stringify({ format: 'dnssec-stub-fixture', version: 1, time: 1_700_000_000, trustAnchors: ['. IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D'], exchanges: [] }),
    );
    const r = await runCli(['validate', 'www.test', '--fixture', file]);
    expect(r.code).toBe(3);
    expect(oneErrorLine(r.stderr), r.stderr).toBe(true);
    expect(r.stderr).toContain('holds no response');
  });
});

describe('--capture then --fixture', () => {
  it('the replay gives the same verdict and JSON, without network, at the capture time', async () => {
    const file = join(tmp, 'capture.json');
    const live = await runCli(['validate', 'test', 'MX', '--server', server, '--json', '--capture', file]);
    expect(live.code).toBe(2);
    const fixture = readFixture(file);
    expect(fixture.question).toEqual({ name: 'test.', type: 'MX' });
    expect(fixture.exchanges.length).toBeGreaterThan(0);
    expect(fixture.trustAnchors.length).toBeGreaterThan(0);
    // NAME and TYPE come from the fixture's question when omitted.
    const replay = await runCli(['validate', '--fixture', file, '--json']);
    expect(replay.code).toBe(live.code);
    // Identical but for where the anchors were read from (the fixture, not the file).
    const withoutAnchorSource = (text: string): unknown => {
      const out = JSON.parse(text) as { chain: { kind: string; note?: string }[] };
      for (const step of out.chain) if (step.kind === 'anchor') delete step.note;
      return out;
    };
    expect(withoutAnchorSource(replay.stdout)).toEqual(withoutAnchorSource(live.stdout));
  });

  it('a capture is written even when there is no answer', async () => {
    const file = join(tmp, 'refused.json');
    const port = await freePort();
    const r = await runCli(['validate', 'www.test', '--server', `127.0.0.1:${port}`, '--tcp', '--timeout', '500', '--capture', file]);
    expect(r.code).toBe(3);
    expect(readFixture(file).exchanges).toEqual([]);
  });
});

describe('demo', () => {
  let dir: string;

  beforeAll(async () => {
    dir = join(tmp, 'demo');
    mkdirSync(join(dir, 'sub'), { recursive: true });
    const captured = join(tmp, 'demo-source.json');
    const r = await runCli(['validate', 'www.test', '--server', server, '--capture', captured]);
    expect(r.code).toBe(2);
    const fixture = JSON.parse(readFileSync(captured, 'utf8')) as Record<string, unknown>;
    writeFileSync(join(dir, 'a-bogus.json'), JSON.stringify({ ...fixture, expected: { status: 'bogus' } }));
    writeFileSync(join(dir, 'sub', 'b-no-expectation.json'), JSON.stringify(fixture));
  });

  it('replays every fixture under DIR, one block each, exit 0 when each gives its expected verdict', async () => {
    const r = await runCli(['demo', dir]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(';; a-bogus.json: www.test. A');
    expect(r.stdout).toContain(`;; ${join('sub', 'b-no-expectation.json')}: www.test. A`);
    expect(r.stdout.match(/^; bogus: /gm)).toHaveLength(2);
    expect(r.stdout).toMatch(/;; 2 fixtures replayed, 2 as expected\n$/);
  });

  it('exit 1 when a fixture does not give its expected verdict, or cannot be read', async () => {
    const bad = join(tmp, 'demo-bad');
    mkdirSync(bad, { recursive: true });
    const fixture = JSON.parse(readFileSync(join(dir, 'a-bogus.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(bad, 'claims-secure.json'), JSON.stringify({ ...fixture, expected: { status: 'secure' } }));
    writeFileSync(join(bad, 'broken.json'), '{ not json');
    const r = await runCli(['demo', bad]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('; MISMATCH: expected secure, got bogus');
    expect(r.stdout).toContain('broken.json: cannot replay');
    expect(r.stdout).toMatch(/2 fixtures replayed, 0 as expected, 2 not/);
  });

  it('a directory or fixture name with control characters is shown escaped on stderr (an escape sequence or CR cannot reach the terminal)', async () => {
    const odd = join(tmp, 'demo-\u001b]0;title\u0007-\rx');
    mkdirSync(odd, { recursive: true });
    const empty = await runCli(['demo', odd]);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toBe(`dnssec-stub: no *.json fixtures under ${join(tmp, 'demo-\\x1b]0;title\\x07-\\x0dx')}\n`);
    writeFileSync(join(odd, '\u001b[2Jbroken.json'), '{ not json');
    const broken = await runCli(['demo', odd]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/^dnssec-stub: demo: \\x1b\[2Jbroken\.json \(/);
    expect(broken.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  });

  it('exit 1 for a directory without fixtures', async () => {
    const empty = join(tmp, 'demo-empty');
    mkdirSync(empty, { recursive: true });
    const r = await runCli(['demo', empty]);
    expect(r.code).toBe(1);
    expect(oneErrorLine(r.stderr), r.stderr).toBe(true);
  });
});
