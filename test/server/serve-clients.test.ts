/**
 * Real resolvers and MTAs as clients of `dnssec-stub serve` in front of the
 * DNSSEC lab:
 * - Unbound (validating, trust anchor = the lab root) forwarding everything
 *   to serve: its verdict on every lab case is the expected one (or the
 *   documented Unbound disagreement of the case table), so serve hands a
 *   validating client every record it needs (RRSIGs, DNSKEY, DS, NSEC/NSEC3)
 *   and SERVFAILs what is bogus.
 * - Postfix's posttls-finger (DANE, RFC 7672) through glibc's stub resolver,
 *   with a resolv.conf naming serve (`options trust-ad edns0`) bind-mounted
 *   over /etc/resolv.conf in a private mount namespace (`unshare -m`; the
 *   machine's own file is never touched): it sees a DNSSEC-signed TLSA for a
 *   secure MX host, no TLSA for a host in an unsigned zone, and a TLSA lookup
 *   error for a bogus one.
 *
 * serve listens on <lab net>.0.54 port 53 (glibc cannot use another port).
 * Needs the lab, unbound, postfix, util-linux (unshare) and root.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseServe, runServe } from '../../src/cli/serve.js';
import { type StartedLab, labUnavailableReason, loadCases, startLab, stopLab } from '../lab/lab.js';
import { type UnboundFixture, startUnbound } from '../resolver/unbound-fixture.js';
import { dig, pool, run } from './serve-helper.js';
import { EventEmitter } from 'node:events';

const unavailable = labUnavailableReason();
const cases = loadCases();
let lab: StartedLab;
let tmp: string;
let serveAddr: string;
const signals = new EventEmitter();
let exited: Promise<number> | undefined;
let serveLog = '';
let unbound: UnboundFixture;

beforeAll(async () => {
  if (unavailable) throw new Error(`this test needs the DNSSEC lab (test/lab): ${unavailable}`);
  lab = await startLab();
  tmp = mkdtempSync(join(tmpdir(), 'dnssec-stub-serve-clients-'));
  serveAddr = lab.resolver.address.replace(/\.53$/, '.54');
  const cmd = parseServe(['--listen', `${serveAddr}:53`, '--server', `${lab.resolver.address}:${lab.resolver.port}`, '--trust-anchor', lab.anchors.ds]);
  if (cmd.command !== 'serve') throw new Error('parse');
  const io = { stdout: { write: (t: string) => (serveLog += t) }, stderr: { write: (t: string) => (serveLog += t) } };
  exited = runServe(cmd, io, signals);
  const deadline = Date.now() + 10_000;
  while (!serveLog.includes('ready on')) {
    if (Date.now() > deadline) throw new Error(`serve did not start: ${serveLog}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  unbound = await startUnbound({
    rootStatic: false,
    localZones: [],
    extraServerConfig: ['module-config: "validator iterator"', `trust-anchor-file: "${lab.anchors.ds}"`, 'do-not-query-localhost: no', 'val-log-level: 2'],
    extraConfig: ['forward-zone:', '  name: "."', `  forward-addr: ${serveAddr}@53`],
  });
}, 120_000);

afterAll(async () => {
  await unbound?.stop();
  if (exited) {
    signals.emit('SIGTERM');
    expect(await exited).toBe(0);
  }
  if (lab) await stopLab();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('Unbound validating through serve (forward-zone "." to serve)', () => {
  it('every lab case: AD for secure, no AD for insecure, SERVFAIL for bogus', async () => {
    const answers = await pool(cases, 4, (c) => dig({ host: unbound.server.host, port: unbound.server.port }, c.qname, c.qtype, ['+dnssec']));
    cases.forEach((c, i) => {
      const a = answers[i]!;
      const verdict = a.status === 'SERVFAIL' ? 'bogus' : a.flags.includes('ad') ? 'secure' : 'insecure';
      const allowed = [c.expected, ...(c.unbound ? [c.unbound.verdict] : [])];
      expect(allowed, `${c.name} ${c.qname} ${c.qtype}: Unbound through serve said ${verdict}\n${a.raw}\n${unbound.log().slice(-2000)}`).toContain(verdict);
    });
  }, 180_000);
});

describe("Postfix's posttls-finger through glibc with `options trust-ad` (RFC 7672 DANE)", () => {
  async function finger(destination: string): Promise<string> {
    const conf = join(tmp, 'resolv.conf');
    writeFileSync(conf, `nameserver ${serveAddr}\noptions trust-ad edns0\n`);
    const script = `mount --bind '${conf}' /etc/resolv.conf && exec posttls-finger -vv -L verbose -t30 -c -l dane -P /etc/ssl/certs '${destination}'`;
    const r = await run('unshare', ['-m', '--propagation', 'private', 'sh', '-c', script], 60_000);
    return r.stdout + r.stderr;
  }

  it('a secure MX host: the DNSSEC-signed TLSA record is found (usable for DANE)', async () => {
    const out = await finger('mail.lab');
    expect(out).toMatch(/dns_query: mail\.lab \(MX\): OK/);
    expect(out).toMatch(/DNSSEC-signed TLSA record: _25\._tcp\.mx1\.mail\.lab: 3 1 1 [0-9A-F]+/);
    expect(out).not.toMatch(/no TLSA records found/);
  });

  it('an MX host in an unsigned zone: no TLSA is used', async () => {
    const out = await finger('[mx1.unsigned.lab]');
    expect(out).toMatch(/dns_query: mx1\.unsigned\.lab \(A\): OK/);
    expect(out).toMatch(/no TLSA records found/);
    expect(out).not.toMatch(/DNSSEC-signed TLSA record/);
  });

  it('a bogus TLSA: SERVFAIL from serve, a TLSA lookup error for Postfix (no delivery)', async () => {
    const out = await finger('[mx1.badsig.lab]');
    expect(out).toMatch(/TLSA lookup error for mx1\.badsig\.lab:25/);
    expect(out).not.toMatch(/DNSSEC-signed TLSA record/);
  });
});
