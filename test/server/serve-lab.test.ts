/**
 * `dnssec-stub serve` in front of the DNSSEC lab (test/lab), asked by real
 * clients: every lab case through dig and kdig, over UDP and over TCP, gives
 * AD=1 exactly for the secure cases (RFC 6840 §5.7), SERVFAIL with the
 * validator's Extended DNS Error for the bogus ones (RFC 8914), and the
 * answer without AD for the insecure ones; truncation to the client's EDNS
 * buffer (and to 512 octets without EDNS) with the full answer over TCP;
 * CD=1 passes the data unvalidated (RFC 6840 §5.9); DO decides whether
 * RRSIGs are sent (RFC 4035 §3.2.1).
 *
 * Needs the lab (root, nsd, unbound, bind9-utils, ldnsutils) and dig/kdig
 * (bind9-dnsutils, knot-dnsutils): without them this file fails and says why.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTrustAnchorFile } from '../../src/dnssec/anchors.js';
import { createNetworkSource } from '../../src/resolver/network-source.js';
import { createValidator } from '../../src/validator/validator.js';
import { type LabCase, type StartedLab, labUnavailableReason, loadCases, startLab, stopLab } from '../lab/lab.js';
import { type DigAnswer, type RunningServe, dig, kdig, pool, startServe } from './serve-helper.js';

const unavailable = labUnavailableReason();
const cases = loadCases();
let lab: StartedLab;
let serve: RunningServe;
/** The first EDE code the library gives for each bogus case (what serve must send). */
const libraryEde = new Map<string, number>();

const key = (c: LabCase): string => `${c.qname} ${c.qtype}`;

beforeAll(async () => {
  if (unavailable) throw new Error(`this test needs the DNSSEC lab (test/lab): ${unavailable}`);
  lab = await startLab();
  const upstream = `${lab.resolver.address}:${lab.resolver.port}`;
  serve = await startServe(['--server', upstream, '--trust-anchor', lab.anchors.ds, '--timeout', '4000']);
  const now = Math.floor(Date.now() / 1000);
  const source = createNetworkSource({ servers: [{ host: lab.resolver.address, port: lab.resolver.port }], timeoutMs: 4000 });
  const validator = createValidator({ source, trustAnchors: loadTrustAnchorFile(lab.anchors.ds, now), resultCacheSize: 0 });
  for (const c of cases.filter((x) => x.expected === 'bogus')) {
    const r = await validator.validate(c.qname, c.qtype);
    libraryEde.set(key(c), r.reasons[0]?.ede ?? -1);
  }
  await source.close();
}, 120_000);

afterAll(async () => {
  if (serve) expect(await serve.stop()).toBe(0);
  if (lab) await stopLab();
});

function expectVerdict(c: LabCase, a: DigAnswer): void {
  const what = `${c.name} (${c.qname} ${c.qtype}, expected ${c.expected}):\n${a.raw}`;
  if (c.expected === 'secure') {
    expect(a.flags, what).toContain('ad');
    expect(['NOERROR', 'NXDOMAIN'], what).toContain(a.status);
  } else if (c.expected === 'insecure') {
    expect(a.flags, what).not.toContain('ad');
    expect(['NOERROR', 'NXDOMAIN'], what).toContain(a.status);
  } else {
    expect(a.status, what).toBe('SERVFAIL');
    expect(a.flags, what).not.toContain('ad');
    expect(a.ede, what).toEqual([libraryEde.get(key(c))]);
    expect(a.answer, what).toEqual([]);
  }
}

describe('every lab case through serve: AD exactly for secure, SERVFAIL + EDE for bogus (RFC 6840 §5.7, RFC 8914)', () => {
  const clients = { dig, kdig } as const;
  for (const [client, ask] of Object.entries(clients)) {
    for (const transport of ['udp', 'tcp'] as const) {
      it(`${client} +dnssec over ${transport}`, async () => {
        const opts = ['+dnssec', ...(transport === 'tcp' ? ['+tcp'] : [])];
        const answers = await pool(cases, 6, (c) => ask(serve, c.qname, c.qtype, opts));
        cases.forEach((c, i) => expectVerdict(c, answers[i]!));
      }, 120_000);
    }
  }

  it('a secure answer to a client that set neither DO nor AD has AD=0 and no RRSIG (RFC 6840 §5.7, RFC 4035 §3.2.1)', async () => {
    const a = await dig(serve, 'www.lab.', 'A', ['+noadflag']);
    expect(a.status).toBe('NOERROR');
    expect(a.flags).not.toContain('ad');
    expect(a.answer.some((l) => / RRSIG /.test(l))).toBe(false);
    expect(a.answer.some((l) => / A 127\./.test(l))).toBe(true);
  });

  it('AD=1 for a client that set AD without DO, and no RRSIG (RFC 6840 §5.8)', async () => {
    const a = await dig(serve, 'www.lab.', 'A', ['+adflag', '+nodnssec']);
    expect(a.flags).toContain('ad');
    expect(a.answer.some((l) => / RRSIG /.test(l))).toBe(false);
  });

  it('DO=1 gets the RRSIGs of the answer and of the denial proof', async () => {
    const pos = await dig(serve, 'mail.lab.', 'MX', ['+dnssec']);
    expect(pos.answer.some((l) => / RRSIG MX /.test(l))).toBe(true);
    const nx = await dig(serve, 'nx.deny.lab.', 'A', ['+dnssec']);
    expect(nx.status).toBe('NXDOMAIN');
    expect(nx.flags).toContain('ad');
    expect(nx.raw).toMatch(/\sNSEC\s/);
    expect(nx.raw).toMatch(/\sRRSIG\s+NSEC /);
    expect(nx.raw).toMatch(/\sSOA\s/);
  });

  it('CD=1: the bogus data itself, AD=0 (RFC 6840 §5.9)', async () => {
    const a = await dig(serve, 'www.badsig.lab.', 'A', ['+cd', '+dnssec']);
    expect(a.status).toBe('NOERROR');
    expect(a.flags).toContain('cd');
    expect(a.flags).not.toContain('ad');
    expect(a.answer.some((l) => / A 127\./.test(l))).toBe(true);
  });

  it("a DO client gets the upstream's own octets: the same message size as the upstream's answer to CD=1 DO=1", async () => {
    const size = (a: DigAnswer): number => Number(/MSG SIZE\s+rcvd: (\d+)/.exec(a.raw)?.[1]);
    const up = { host: lab.resolver.address, port: lab.resolver.port };
    for (const [qname, qtype] of [['mail.lab.', 'MX'], ['nx.deny.lab.', 'A'], ['www.unsigned.lab.', 'A'], ['.', 'DNSKEY']] as const) {
      const theirs = await dig(up, qname, qtype, ['+dnssec', '+cd', '+nocookie']);
      const ours = await dig(serve, qname, qtype, ['+dnssec', '+nocookie']);
      expect(size(ours), `${qname} ${qtype}`).toBe(size(theirs));
      // Unbound rotates the records of an RRset between answers (rrset-roundrobin): compare them as sets.
      const records = (a: DigAnswer): string[] => a.answer.map((l) => l.replace(/ \d+ IN /, ' IN ')).sort();
      expect(records(ours)).toEqual(records(theirs));
    }
  });

  it('echoes the question in the case the client wrote it (0x20)', async () => {
    const a = await dig(serve, 'wWw.LaB.', 'A', ['+dnssec']);
    expect(a.raw).toMatch(/;wWw\.LaB\.\s+IN\s+A/);
    expect(a.flags).toContain('ad');
  });
});

describe('truncation: the client buffer over UDP, the whole answer over TCP (RFC 1035 §4.2.1, RFC 6891 §7, RFC 7766)', () => {
  it('. DNSKEY with DO and a 512-octet buffer: TC=1 over UDP, no records', async () => {
    const a = await dig(serve, '.', 'DNSKEY', ['+dnssec', '+bufsize=512', '+ignore']);
    expect(a.flags).toContain('tc');
    expect(a.answer).toEqual([]);
    expect(a.raw).toMatch(/MSG SIZE\s+rcvd: (\d+)/);
    expect(Number(/MSG SIZE\s+rcvd: (\d+)/.exec(a.raw)![1])).toBeLessThanOrEqual(512);
  });

  it('without EDNS the limit is 512 octets', async () => {
    const a = await dig(serve, '.', 'DNSKEY', ['+noedns', '+ignore']);
    expect(a.flags).toContain('tc');
  });

  it('dig retries over TCP after TC=1 and gets the whole validated answer', async () => {
    const a = await dig(serve, '.', 'DNSKEY', ['+dnssec', '+bufsize=512']);
    expect(a.flags).not.toContain('tc');
    expect(a.flags).toContain('ad');
    expect(a.answer.filter((l) => / DNSKEY /.test(l)).length).toBeGreaterThanOrEqual(2);
    expect(a.raw).toMatch(/\(TCP\)/);
  });

  it('kdig with a 1232 buffer gets the same DNSKEY answer over UDP', async () => {
    const a = await kdig(serve, '.', 'DNSKEY', ['+dnssec', '+bufsize=1232']);
    expect(a.flags).not.toContain('tc');
    expect(a.flags).toContain('ad');
  });
});

describe('malformed and unsupported queries', () => {
  it('opcode STATUS: NOTIMP', async () => {
    const a = await dig(serve, 'www.lab.', 'A', ['+opcode=2', '+noedns']);
    expect(a.status).toBe('NOTIMP');
    // With EDNS, the OPT comes back (RFC 6891 §7); dig warns when it does not.
    const withEdns = await dig(serve, 'www.lab.', 'A', ['+opcode=2', '+dnssec']);
    expect(withEdns.status).toBe('NOTIMP');
    expect(withEdns.raw).toMatch(/OPT PSEUDOSECTION/);
    expect(withEdns.raw).not.toMatch(/WARNING: EDNS query returned status NOTIMP/);
  });

  it('EDNS version 1: BADVERS (RFC 6891 §6.1.3)', async () => {
    const a = await dig(serve, 'www.lab.', 'A', ['+edns=1', '+noednsnegotiation']);
    expect(a.status).toBe('BADVERS');
  });

  it('class CH: REFUSED; AXFR: REFUSED', async () => {
    expect((await dig(serve, 'version.bind.', 'TXT', ['-c', 'CH'])).status).toBe('REFUSED');
    expect((await dig(serve, 'lab.', 'AXFR', [])).raw).toMatch(/REFUSED|Transfer failed/);
  });
});
