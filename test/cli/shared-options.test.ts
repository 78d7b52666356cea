/**
 * One option table for every command that asks an upstream
 * (src/cli/options.ts, src/cli/user-files.ts): the same mistake in an
 * upstream or anchor option gives the same one-line message and the same
 * exit status (64) in validate, mail, serve and doctor, before any query is
 * sent or any address is bound. And the same option means the same thing:
 * the parsed upstream is identical in every command.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../src/cli/args.js';
import { parseMail } from '../../src/cli/mail-args.js';
import { parseServe } from '../../src/cli/serve.js';
import { oneErrorLine, runCli } from './run-cli.js';

/** Each command with what it needs besides the option under test (serve on a free port: nothing is bound on an error). */
const COMMANDS: Record<string, string[]> = {
  validate: ['validate', 'x.test'],
  mail: ['mail', 'x.test'],
  serve: ['serve', '--listen', '127.0.0.1:0'],
  doctor: ['doctor'],
};

let tmp: string;
let garbled: string;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'dnssec-stub-options-'));
  garbled = join(tmp, 'anchors.ds');
  writeFileSync(garbled, '. IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D\nlab. IN A 192.0.2.1\n');
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const CASES: [what: string, args: () => string[], message: RegExp][] = [
  ['a host name as --server', () => ['--server', 'resolver.example'], /--server "resolver\.example": the server must be an IP address/],
  ['a bad port', () => ['--server', '127.0.0.1:99999'], /--server "127\.0\.0\.1:99999": bad port "99999"/],
  ['--timeout 0', () => ['--server', '127.0.0.1', '--timeout', '0'], /--timeout "0": a positive number of milliseconds/],
  ['--timeout without a value', () => ['--server', '127.0.0.1', '--timeout'], /--timeout needs a value\n$/],
  ['--server followed by an option', () => ['--server', '--tcp'], /--server needs a value, not the option "--tcp"/],
  ['two transports', () => ['--server', '127.0.0.1', '--tcp', '--tls'], /--tcp and --tls cannot be combined: choose one transport/],
  ['--tls and --https', () => ['--tls', '--https', 'https://127.0.0.1/dns-query'], /--tls and --https cannot be combined/],
  ['an http: URL', () => ['--https', 'http://127.0.0.1/dns-query'], /--https "http:\/\/127\.0\.0\.1\/dns-query": the URL must start with https:\/\//],
  ['--ca without TLS', () => ['--server', '127.0.0.1', '--ca', '/etc/hostname'], /--ca is for --tls or --https/],
  ['an unreadable --ca', () => ['--server', '127.0.0.1', '--tls', '--ca', join(tmp, 'missing-ca.pem')], /--ca .*missing-ca\.pem: cannot read: .*ENOENT/],
  ['an unreadable --trust-anchor', () => ['--server', '127.0.0.1', '--trust-anchor', join(tmp, 'missing.xml')], /missing\.xml: cannot read trust anchor file/],
  ['a garbled --trust-anchor (the file and line)', () => ['--server', '127.0.0.1', '--trust-anchor', garbled], /anchors\.ds line 2: a trust anchor file holds only DS and DNSKEY records/],
  ['a good --trust-anchor and an unreadable one', () => ['--server', '127.0.0.1', '--trust-anchor', garbled.replace('anchors.ds', 'none.ds'), '--trust-anchor', garbled], /none\.ds: cannot read trust anchor file/],
  ['an unknown option', () => ['--server', '127.0.0.1', '--no-such-option'], /Unknown option '--no-such-option'/],
];

describe('the same bad upstream or anchor option: the same message and exit status in every command', () => {
  it.each(CASES)('%s', async (_what, args, message) => {
    const seen: Record<string, { code: number; stderr: string; stdout: string }> = {};
    for (const [command, prefix] of Object.entries(COMMANDS)) seen[command] = await runCli([...prefix, ...args()]);
    for (const [command, r] of Object.entries(seen)) {
      expect(r.code, `${command}: ${r.stderr}`).toBe(64);
      expect(oneErrorLine(r.stderr), `${command}: ${r.stderr}`).toBe(true);
      expect(r.stderr, command).toMatch(message);
      expect(r.stdout, command).toBe('');
    }
    expect(new Set(Object.values(seen).map((r) => r.stderr)).size, JSON.stringify(seen)).toBe(1);
  });
});

describe('the same upstream options mean the same thing in every command', () => {
  const upstreamOf = (c: object) => {
    const { servers, protocol, tlsServerName, httpsUrl, caFile, timeoutMs, trustAnchorFiles } = c as Record<string, unknown>;
    return { servers, protocol, tlsServerName, httpsUrl, caFile, timeoutMs, trustAnchorFiles };
  };
  it.each([
    [['--server', '127.0.0.1', '--server', '[::1]:5353', '--timeout', '700']],
    [['--server', '127.0.0.1', '--tls', '--ca', '/etc/hostname', '--trust-anchor', 'a.ds', '--trust-anchor', 'b.xml']],
    [['--server', '::1#8853', '--tls=resolver.example']],
    [['--https', 'https://127.0.0.1:8443/dns-query']],
    [['--tcp']],
  ])('%j', (args) => {
    const validate = parseCommandLine(['validate', 'x.test', ...args]);
    const mail = parseMail(['x.test', ...args]);
    const serve = parseServe(['--listen', '127.0.0.1:5300', ...args]);
    expect(upstreamOf(mail)).toEqual(upstreamOf(validate));
    expect(upstreamOf(serve)).toEqual(upstreamOf(validate));
    // A bare --tls means port 853 and the address as the certificate name, in every command.
    if (args.includes('--tls')) expect(upstreamOf(serve)).toMatchObject({ protocol: 'tls', servers: [{ host: '127.0.0.1', port: 853 }], tlsServerName: undefined });
  });
});
