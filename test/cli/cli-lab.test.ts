/**
 * The `dnssec-stub` command against the DNSSEC lab (test/lab: BIND-signed
 * zones on NSD behind a real Unbound): exit status and JSON for each verdict
 * over UDP, TCP, DoT and DoH, with the lab root anchor as an IANA XML file,
 * a DS file and a DNSKEY file; the text output of MX, TLSA and TXT answers
 * against the resolver's own answer; denial lines; --trace; capture then
 * replay for each verdict.
 *
 * Needs the lab (root, nsd, unbound, bind9-utils, ldnsutils): without it
 * this file fails and says why.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFixture } from '../../src/fixtures/fixture.js';
import { rrToText } from '../../src/wire/presentation.js';
import { typeFromText } from '../../src/wire/rrtype.js';
import { type LabCase, type StartedLab, labUnavailableReason, queryResolver, startLab, stopLab } from '../lab/lab.js';
import { runCli } from './run-cli.js';

const unavailable = labUnavailableReason();
let lab: StartedLab;
let tmp: string;

beforeAll(async () => {
  if (unavailable) throw new Error(`this test needs the DNSSEC lab (test/lab): ${unavailable}`);
  lab = await startLab();
  tmp = mkdtempSync(join(tmpdir(), 'dnssec-stub-cli-lab-'));
});

afterAll(async () => {
  if (lab) await stopLab();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const EXIT_OF = { secure: 0, insecure: 1, bogus: 2 } as const;

function labCase(name: string): LabCase {
  const c = lab.cases.find((x) => x.name === name);
  if (!c) throw new Error(`test/lab/cases.json has no case ${name}`);
  return c;
}

/** One case per verdict, taken from the lab's case table. */
const VERDICT_CASES = ['tld-positive', 'insecure-under-nsec', 'bogus-modified-rdata'];

const TRANSPORTS: Record<string, (l: StartedLab) => string[]> = {
  udp: (l) => ['--server', `${l.resolver.address}:${l.resolver.port}`],
  tcp: (l) => ['--server', `${l.resolver.address}:${l.resolver.port}`, '--tcp'],
  tls: (l) => ['--server', `${l.resolver.address}:${l.resolver.dotPort}`, `--tls=${l.resolver.tlsName}`, '--ca', l.caFile],
  https: (l) => ['--https', l.resolver.dohUrl, '--ca', l.caFile],
};

const ANCHORS: Record<string, (l: StartedLab) => string> = {
  'root-anchors.xml': (l) => l.anchors.xml,
  'DS file': (l) => l.anchors.ds,
  'DNSKEY file': (l) => l.anchors.dnskey,
};

describe('exit status and --json for each verdict, every transport, every anchor format', () => {
  const matrix: [string, string, string][] = [];
  for (const c of VERDICT_CASES) for (const t of Object.keys(TRANSPORTS)) for (const a of Object.keys(ANCHORS)) matrix.push([c, t, a]);

  it.each(matrix)('%s over %s with the anchor as a %s', async (caseName, transport, anchor) => {
    const c = labCase(caseName);
    const r = await runCli(['validate', c.qname, c.qtype, ...TRANSPORTS[transport]!(lab), '--trust-anchor', ANCHORS[anchor]!(lab), '--timeout', '5000', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(EXIT_OF[c.expected]);
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(1);
    const out = JSON.parse(r.stdout) as { status: string; name: string; records: string[]; reasons: unknown[] };
    expect(out.status).toBe(c.expected);
    expect(out.name).toBe(c.qname);
    if (c.expected === 'secure') expect(out.records.length).toBeGreaterThan(0);
    if (c.expected === 'bogus') expect(out.records).toEqual([]);
    if (c.expected !== 'secure') expect(out.reasons.length).toBeGreaterThan(0);
  });

  it('the shipped IANA root anchor does not validate the lab root: bogus', async () => {
    const c = labCase('tld-positive');
    const r = await runCli(['validate', c.qname, c.qtype, ...TRANSPORTS['udp']!(lab)]);
    expect(r.code).toBe(2);
  });
});

describe('text output', () => {
  /** The records of the resolver's own answer, as dig prints them but without the TTL (it counts down). */
  async function resolverRecords(name: string, type: string): Promise<string[]> {
    const m = await queryResolver(lab, name, type);
    const want = typeFromText(type);
    return m.answer.filter((rr) => rr.type === want).map((rr) => withoutTtl(rrToText(rr))).sort();
  }

  function withoutTtl(line: string): string {
    return line.replace(/^(\S+)\t\d+\t/, '$1\t');
  }

  it.each(['mail-mx', 'mail-tlsa', 'mail-spf', 'mail-dmarc'])('%s: the answer as dig prints it, then "; fully validated"', async (caseName) => {
    const c = labCase(caseName);
    const r = await runCli(['validate', c.qname, c.qtype, ...TRANSPORTS['udp']!(lab), '--trust-anchor', lab.anchors.ds]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.at(-1)).toBe('; fully validated');
    const records = lines.slice(0, -1);
    for (const line of records) expect(line).toMatch(/^\S+\t\d+\tIN\t[A-Z0-9]+\t.+$/);
    expect(records.map(withoutTtl).sort()).toEqual(await resolverRecords(c.qname, c.qtype));
  });

  it('an insecure answer says why, naming the zone', async () => {
    const c = labCase('mail-insecure-mx');
    const r = await runCli(['validate', c.qname, c.qtype, ...TRANSPORTS['udp']!(lab), '--trust-anchor', lab.anchors.ds]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^; unsigned answer \(insecure\): .+zone unsigned\.lab\./m);
  });

  it.each([
    ['deny-nxdomain', '; NXDOMAIN, fully validated'],
    ['deny-nodata', '; NODATA, fully validated'],
    ['nsec3-plain-nxdomain', '; NXDOMAIN, fully validated'],
  ])('%s prints "%s"', async (caseName, line) => {
    const c = labCase(caseName);
    const r = await runCli(['validate', c.qname, c.qtype, ...TRANSPORTS['udp']!(lab), '--trust-anchor', lab.anchors.ds]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${line}\n`);
  });

  it.each(['bogus-expired', 'bogus-not-yet-valid', 'bogus-rrsigs-stripped', 'ds-mixed-bad-known'])('%s: the bogus line carries the EDE code of the lab table', async (caseName) => {
    const c = labCase(caseName);
    const r = await runCli(['validate', c.qname, c.qtype, ...TRANSPORTS['udp']!(lab), '--trust-anchor', lab.anchors.ds]);
    expect(r.code).toBe(2);
    expect(c.ede).toBeDefined();
    expect(r.stdout).toMatch(new RegExp(`^; bogus: .+\\(EDE ${c.ede}[,)]`));
  });
});

describe('--trace', () => {
  it('shows the DS, the DNSKEYs with tags, algorithms and flags, and which key signed which RRset', async () => {
    const c = labCase('mail-tlsa');
    const r = await runCli(['validate', c.qname, c.qtype, ...TRANSPORTS['udp']!(lab), '--trust-anchor', lab.anchors.ds, '--trace']);
    expect(r.code).toBe(0);
    const trace = r.stderr;
    expect(trace).toMatch(/^;; zone \. \(trust anchor\): secure/m);
    expect(trace).toMatch(new RegExp(`^;;   DNSKEY  tag ${lab.rootKeyTag} alg \\d+ flags 257 \\(KSK\\)  trusted$`, 'm'));
    expect(trace).toMatch(/^;; zone lab\. \(delegation\): secure/m);
    expect(trace).toMatch(/^;; zone mail\.lab\. \(delegation\): secure/m);
    expect(trace).toMatch(/^;;   DS      tag \d+ alg 13 digest 2  matched$/m);
    expect(trace).toMatch(/^;;   RRSIG   _25\._tcp\.mx1\.mail\.lab\. TLSA by mail\.lab\. key \d+ alg 13: valid$/m);
    expect(trace).toMatch(/^;; verdict: secure$/m);
    // stdout holds only the answer.
    expect(r.stdout).not.toContain(';; ');
  });
});

describe('--capture then --fixture, for each verdict', () => {
  it.each(VERDICT_CASES)('%s: the replay gives the same verdict offline', async (caseName) => {
    const c = labCase(caseName);
    const file = join(tmp, `${caseName}.json`);
    const live = await runCli(['validate', c.qname, c.qtype, ...TRANSPORTS['udp']!(lab), '--trust-anchor', lab.anchors.xml, '--capture', file]);
    expect(live.code).toBe(EXIT_OF[c.expected]);
    const fixture = readFixture(file);
    expect(fixture.exchanges.length).toBeGreaterThan(1);
    const replay = await runCli(['validate', '--fixture', file]);
    expect(replay.code).toBe(live.code);
    expect(replay.stdout).toBe(live.stdout);
  });

  it('a replay two years later finds the signatures expired', async () => {
    const c = labCase('tld-positive');
    const file = join(tmp, 'later.json');
    const live = await runCli(['validate', c.qname, c.qtype, ...TRANSPORTS['udp']!(lab), '--trust-anchor', lab.anchors.ds, '--capture', file]);
    expect(live.code).toBe(0);
    const later = readFixture(file).time + 2 * 365 * 86400;
    const replay = await runCli(['validate', '--fixture', file, '--at', String(later)]);
    expect(replay.code).toBe(2);
    expect(replay.stdout).toMatch(/\(EDE 7[,)]/);
  });
});
