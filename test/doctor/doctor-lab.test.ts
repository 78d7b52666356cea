/**
 * `dnssec-stub doctor` against three real resolvers (issue 12 item 4), all
 * resolving the lab's signed tree (test/lab):
 *
 * - the lab's validating Unbound (127.x.0.53): validates, on loopback, AD
 *   trustworthy, dnssec-stub can validate through it;
 * - a non-validating Unbound (`module-config: "iterator"`, root hints of the
 *   lab; also over DoT and DoH with a test CA): passes every DNSSEC record
 *   but never sets AD: usable for dnssec-stub, its AD means nothing;
 * - PowerDNS Recursor with `dnssec=off`: ignores DO and passes no DNSSEC
 *   records: dnssec-stub cannot validate through it (bogus, RRSIGs missing).
 *
 * Needs the lab (root, nsd, unbound, bind9-utils) and pdns-recursor: without
 * them this file fails and says why.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { Diagnosis } from '../../src/doctor/diagnose.js';
import { runDoctor } from '../../src/doctor/doctor.js';
import { loadTrustAnchorFile } from '../../src/dnssec/anchors.js';
import type { ServerAddress } from '../../src/resolver/transport.js';
import { formatServer } from '../../src/resolver/transport.js';
import { type StartedLab, labUnavailableReason, startLab, stopLab } from '../lab/lab.js';
import { type PdnsRecursor, pdnsUnavailableReason, startPdnsRecursor } from '../support/pdns-recursor.js';
import { type UnboundFixture, startUnbound } from '../resolver/unbound-fixture.js';

const PROBE = 'lab.';
/** A lab case that is bogus: an A record changed after signing (cases.json bogus-modified-rdata). */
const BOGUS = 'www.badsig.lab.';

const unavailable = labUnavailableReason() ?? pdnsUnavailableReason();
let lab: StartedLab | undefined;
let iterator: UnboundFixture | undefined;
let pdns: PdnsRecursor | undefined;
let validating: ServerAddress;
const found = new Map<string, Diagnosis>();

beforeAll(async () => {
  if (unavailable) throw new Error(`this test needs the DNSSEC lab and pdns-recursor: ${unavailable}`);
  lab = await startLab();
  validating = { host: lab.resolver.address, port: lab.resolver.port };
  iterator = await startUnbound({
    localZones: [],
    rootStatic: false,
    // DNS over TLS and HTTPS too (a test CA made with openssl): the doctor's checks over every transport.
    tls: true,
    https: true,
    extraServerConfig: [`root-hints: "${lab.rootHints}"`, 'do-not-query-localhost: no', 'qname-minimisation: no'],
  });
  pdns = await startPdnsRecursor({ hintFile: lab.rootHints, dnssec: 'off' });
  const anchors = loadTrustAnchorFile(lab.anchors.ds, Math.floor(Date.now() / 1000));
  const diagnoses = await runDoctor([validating, iterator.server, pdns.server], {
    trustAnchors: anchors,
    now: Math.floor(Date.now() / 1000),
    probeName: PROBE,
    bogusName: BOGUS,
    timeoutMs: 3000,
  });
  for (const d of diagnoses) found.set(d.server, d);
  if (process.env["SHOW_DOCTOR"]) for (const d of diagnoses) console.log((await import("../../src/cli/doctor.js")).formatDiagnosis(d));
}, 240_000);

afterAll(async () => {
  await iterator?.stop();
  await pdns?.stop();
  if (lab) await stopLab();
});

function of(server: ServerAddress): Diagnosis {
  const d = found.get(formatServer(server));
  if (!d) throw new Error(`no diagnosis for ${formatServer(server)}`);
  return d;
}

describe('doctor diagnoses three real resolvers', () => {
  it("the lab's validating Unbound: validates on loopback (AD trustworthy), all DNSSEC records, CD honoured, usable", () => {
    const d = of(validating);
    expect(d).toMatchObject({
      reachable: true,
      tcp: true,
      ednsBuffer: 4096,
      dnssecRecords: { rrsigs: true, dnskey: true, ds: true, denial: 'nsec' },
      cdHonoured: true,
      validates: true,
      loopback: true,
      adTrustworthy: true,
      usableForValidation: true,
    });
    expect(d.problems).toEqual([]);
    expect(d.advice.join(' ')).toMatch(/trust-ad/);
  });

  it('a non-validating Unbound (module-config "iterator"): passes DNSSEC records, never sets AD; usable, its AD untrustworthy', () => {
    const d = of(iterator!.server);
    expect(d).toMatchObject({
      reachable: true,
      tcp: true,
      dnssecRecords: { rrsigs: true, dnskey: true, ds: true, denial: 'nsec' },
      cdHonoured: null,
      validates: false,
      loopback: true,
      adTrustworthy: false,
      usableForValidation: true,
    });
    expect(d.problems.join(' ')).toMatch(/does not validate: no AD bit/);
    expect(d.advice.join(' ')).toMatch(/do not let software trust its AD bit.*dnssec-stub serve/);
  });

  it('PowerDNS Recursor with dnssec=off: no RRSIGs, no denial records; dnssec-stub cannot validate through it (EDE 10)', () => {
    const d = of(pdns!.server);
    expect(d).toMatchObject({
      reachable: true,
      tcp: true,
      dnssecRecords: { rrsigs: false, denial: null },
      validates: false,
      adTrustworthy: false,
      usableForValidation: false,
    });
    expect(d.why).toMatch(/bogus .*EDE 10/);
    expect(d.problems.join(' ')).toMatch(/returns no RRSIGs with DO=1/);
    expect(d.advice[0]).toMatch(/strips DNSSEC records: use --tls or --https to another upstream, or run dnssec-stub serve/);
  });
});

describe('the doctor command', () => {
  async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const code = await main(['doctor', ...args], { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } });
    return { code, stdout, stderr };
  }
  const common = (): string[] => ['--probe-name', PROBE, '--bogus-name', BOGUS, '--trust-anchor', lab!.anchors.ds, '--timeout', '3000'];

  it('--json prints one object { servers: [...] } with the fields of the issue; exit 0 when a server is usable', async () => {
    const r = await run([...common(), '--server', `${validating.host}:${validating.port}`, '--server', `${pdns!.server.host}:${pdns!.server.port}`, '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { servers: Record<string, unknown>[] };
    expect(out.servers).toHaveLength(2);
    for (const s of out.servers) {
      for (const k of ['server', 'protocol', 'reachable', 'tcp', 'ednsBuffer', 'dnssecRecords', 'cdHonoured', 'validates', 'loopback', 'usableForValidation', 'problems']) {
        expect(s, k).toHaveProperty(k);
      }
    }
    expect(out.servers.map((s) => s['usableForValidation'])).toEqual([true, false]);
  });

  it('exit 1 when no server is usable (PowerDNS with dnssec=off, and an address where nothing listens); text output says why', async () => {
    const net = process.env['DNSSEC_LAB_NET'] ?? '127.87';
    const r = await run([...common(), '--server', `${pdns!.server.host}:${pdns!.server.port}`, '--server', `${net}.254.254`]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/dnssec-stub can validate through it: no - validating lab\. DNSKEY through it: bogus/);
    expect(r.stdout).toMatch(/reachable over UDP: no/);
    expect(r.stdout).toMatch(/advice: check the address/);
  });

  /** `doctor --json` over one transport to one server; exit 0 (usable) expected. */
  async function diagnosisOver(protocol: 'tcp' | 'tls' | 'https', plain: ServerAddress, dot: ServerAddress, tlsName: string, dohUrl: string, caFile: string): Promise<Diagnosis> {
    const transport = {
      tcp: ['--server', `${plain.host}:${plain.port}`, '--tcp'],
      tls: ['--server', `${dot.host}:${dot.port}`, `--tls=${tlsName}`, '--ca', caFile],
      https: ['--https', dohUrl, '--ca', caFile],
    }[protocol];
    const out = await run([...common(), ...transport, '--json']);
    expect(out.code, out.stderr).toBe(0);
    return (JSON.parse(out.stdout) as { servers: Diagnosis[] }).servers[0]!;
  }

  it.each(['tcp', 'tls', 'https'] as const)('over %s: the same checks as over UDP (EDNS, DNSSEC records, AD, SERVFAIL on bogus, CD), usable', async (protocol) => {
    const r = lab!.resolver;
    const d = await diagnosisOver(protocol, { host: r.address, port: r.port }, { host: r.address, port: r.dotPort }, r.tlsName, r.dohUrl, lab!.caFile);
    expect(d).toMatchObject({
      protocol,
      reachable: true,
      tcp: true,
      edns: true,
      // The UDP buffer sizes are a UDP matter: not probed over a stream.
      ednsBuffer: null,
      dnssecRecords: { rrsigs: true, dnskey: true, ds: true, denial: 'nsec' },
      validates: true,
      cdHonoured: true,
      loopback: true,
      adTrustworthy: true,
      usableForValidation: true,
    });
    expect(d.problems).toEqual([]);
  });

  it.each(['tcp', 'tls', 'https'] as const)('over %s: a resolver that does not validate (no AD) is found out as over UDP', async (protocol) => {
    const ub = iterator!;
    const d = await diagnosisOver(protocol, ub.server, ub.tlsServer!, ub.tlsServerName, ub.httpsUrl!, ub.caFile!);
    expect(d).toMatchObject({
      protocol,
      reachable: true,
      edns: true,
      dnssecRecords: { rrsigs: true, dnskey: true, ds: true, denial: 'nsec' },
      validates: false,
      cdHonoured: null,
      adTrustworthy: false,
      usableForValidation: true,
    });
    expect(d.problems.join(' ')).toMatch(/does not validate: no AD bit/);
  });

  it('over TLS with a certificate that does not match: not usable, and why says so', async () => {
    const r = lab!.resolver;
    const out = await run([...common(), '--server', `${r.address}:${r.dotPort}`, '--tls=wrong.example', '--ca', lab!.caFile, '--json']);
    expect(out.code).toBe(1);
    const [d] = (JSON.parse(out.stdout) as { servers: Diagnosis[] }).servers;
    expect(d!.usableForValidation).toBe(false);
    expect(d!.why).toMatch(/no answer: .*TLS/);
  });

  it('usage errors exit 64', async () => {
    expect((await run(['--server', 'resolver.example'])).code).toBe(64);
    expect((await run(['--probe-name', 'a..b'])).code).toBe(64);
    expect((await run(['--bogus'])).code).toBe(64);
    expect((await run(['--server', '127.0.0.1', '--ca', '/etc/hostname'])).code).toBe(64);
    expect((await run(['--tls', '--https', 'https://127.0.0.1/dns-query'])).code).toBe(64);
  });
});
