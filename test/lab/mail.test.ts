/**
 * Mail reports against the DNSSEC lab (test/lab/mail-cases.json). For every
 * case, over UDP and over TCP:
 * - checkMail() gives the case's overall status and the RFC 7672 DANE
 *   verdict of every host, in preference order, and the facts the case
 *   names (null MX, implicit MX, TLSA base domain, unusable records, SPF,
 *   DMARC, MTA-STS, TLS-RPT, DKIM);
 * - every question the report asked has the status the lab's Unbound gives
 *   the same question on its own (CD=0: AD = secure, SERVFAIL = bogus,
 *   else insecure), and the MX and TLSA questions the status delv gives;
 * - `dnssec-stub mail` prints the same in --json (exit status 0/1/2) and in
 *   the text table.
 *
 * Needs root and the lab tools; skipped with the reason otherwise (CI=true
 * fails instead).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main, type CliIo } from '../../src/cli/main.js';
import { loadTrustAnchorFile } from '../../src/dnssec/anchors.js';
import { checkMail } from '../../src/mail/check-mail.js';
import type { Lookup, MailReport } from '../../src/mail/types.js';
import { expectFacts, lookupsOf, mailCases } from './mail-cases.js';
import { type NetworkSource, createNetworkSource } from '../../src/resolver/network-source.js';
import type { Protocol } from '../../src/resolver/transport.js';
import { type Validator, createValidator } from '../../src/validator/validator.js';
import { delvVerdict, labUnavailableReason, startLab, stopLab, unboundVerdict, type StartedLab } from './lab.js';

const CI = process.env['CI'] === 'true' || process.env['CI'] === '1';
const unavailable = labUnavailableReason();
const skip = unavailable !== null && !CI;
if (skip) console.warn(`[test/lab] mail tests skipped: ${unavailable}`);

function memoryIo(): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) }, isTTY: false, env: {}, out: () => out, err: () => err };
}

const PROTOCOLS: readonly Protocol[] = ['udp', 'tcp'];
const EXIT_OF = { secure: 0, insecure: 1, bogus: 2 } as const;

describe.skipIf(skip)('dnssec-stub mail against the DNSSEC lab', () => {
  let lab: StartedLab;
  const sources = new Map<Protocol, NetworkSource>();
  const validators = new Map<Protocol, Validator>();
  /** Unbound's and delv's verdicts per question, asked once. */
  const unbound = new Map<string, Promise<string>>();
  const delv = new Map<string, Promise<string>>();

  beforeAll(async () => {
    if (unavailable !== null) throw new Error(`CI=true but the DNSSEC lab cannot run: ${unavailable}`);
    lab = await startLab();
    const anchors = loadTrustAnchorFile(lab.anchors.ds, Math.floor(Date.now() / 1000));
    for (const protocol of PROTOCOLS) {
      const source = createNetworkSource({ servers: [{ host: lab.resolver.address, port: lab.resolver.port }], protocol, timeoutMs: 3000, attempts: 2 });
      sources.set(protocol, source);
      validators.set(protocol, createValidator({ source, trustAnchors: anchors }));
    }
  }, 120_000);

  afterAll(async () => {
    await Promise.all([...sources.values()].map((s) => s.close()));
    if (lab) await stopLab();
  });

  const unboundOf = (l: Lookup): Promise<string> => {
    const key = `${l.name} ${l.type}`;
    if (!unbound.has(key)) unbound.set(key, unboundVerdict(lab, l.name, l.type).then((v) => v.verdict));
    return unbound.get(key)!;
  };
  const delvOf = (l: Lookup): Promise<string> => {
    const key = `${l.name} ${l.type}`;
    if (!delv.has(key)) delv.set(key, delvVerdict(lab, l.name, l.type).then((v) => v.verdict));
    return delv.get(key)!;
  };

  for (const protocol of PROTOCOLS) {
    it.each(mailCases)(`$name over ${protocol}: $domain is $status, DANE per RFC 7672, each question as Unbound says`, async (c) => {
      const report = await checkMail(c.domain, { validator: validators.get(protocol)!, dkimSelectors: c.dkim ?? [] });
      expectFacts(c, report);
      for (const l of lookupsOf(report)) {
        expect(l.status, `${l.name} ${l.type}: dnssec-stub vs Unbound`).toBe(await unboundOf(l));
      }
      if (protocol === 'udp') {
        for (const l of lookupsOf(report).filter((x) => x.type === 'MX' || x.type === 'TLSA')) {
          expect(l.status, `${l.name} ${l.type}: dnssec-stub vs delv`).toBe(await delvOf(l));
        }
      }
    });

    it.each(mailCases)(`$name over ${protocol}: the CLI prints the same in JSON and text`, async (c) => {
      const net = ['--server', `${lab.resolver.address}:${lab.resolver.port}`, '--trust-anchor', lab.anchors.ds, ...(protocol === 'tcp' ? ['--tcp'] : [])];
      const dkim = (c.dkim ?? []).flatMap((s) => ['--dkim', s]);
      const json = memoryIo();
      const code = await main(['mail', c.domain, ...net, ...dkim, '--json'], json);
      expect(code, json.err()).toBe(EXIT_OF[c.status]);
      const lines = json.out().trim().split('\n');
      expect(lines).toHaveLength(1);
      const obj = JSON.parse(lines[0]!) as MailReport & { lookups: Lookup[] };
      expect(obj.domain).toBe(c.domain);
      expect(obj.status).toBe(c.status);
      expect(obj.hosts.map((h) => [h.name, h.dane])).toEqual(c.dane);
      expect(obj.mx.nullMx).toBe(c.nullMx ?? false);
      expect(obj.mx.implicit).toBe(c.implicit ?? false);
      for (const l of obj.lookups) expect(l.status, `${l.name} ${l.type} (JSON)`).toBe(await unboundOf(l));

      const text = memoryIo();
      expect(await main(['mail', c.domain, ...net, ...dkim], text)).toBe(EXIT_OF[c.status]);
      const out = text.out();
      expect(out).toContain(`;; mail report for ${c.domain}\n`);
      expect(out).toMatch(new RegExp(`\\n; ${c.status}: `));
      for (const [host, verdict] of c.dane) {
        expect(out).toMatch(new RegExp(`\\n${host.replace(/\./g, '\\.')} +\\d+ +\\S+ +\\S+ +(\\d+/\\d+|-) +${verdict}\\n`));
        expect(out).toContain(`DANE ${verdict}: `);
      }
    });
  }
});
