/**
 * What `dnssec-stub serve` answers for questions it will not validate, in
 * front of the DNSSEC lab, asked by dig and kdig and by raw UDP queries:
 * ANY is validated like any type (RFC 8482 §4.1 answer, AD when secure,
 * SERVFAIL + the validator's EDE when bogus); AXFR/IXFR and RRSIG are
 * REFUSED with EDE 21 (RFC 8914 §4.22) and validate's reason; TYPE0 and the
 * other meta-types REFUSED with EDE 30 (RFC 9824 §3.5), NXNAME FORMERR;
 * classes other than IN REFUSED, opcodes other than QUERY NOTIMP (EDE 21);
 * QDCOUNT 0 or 2 FORMERR. No question, whatever its type, class or opcode,
 * reaches the handler's "internal error" SERVFAIL.
 *
 * Needs the lab (root, nsd, unbound) and dig/kdig: without them this file fails and says why.
 */
import { createSocket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StartedLab, labUnavailableReason, startLab, stopLab } from '../lab/lab.js';
import { extendedErrors, parseMessage } from '../../src/wire/message.js';
import { Rcode } from '../../src/wire/rrtype.js';
import { type RunningServe, dig, kdig, run, startServe } from './serve-helper.js';

const unavailable = labUnavailableReason();
let lab: StartedLab;
let serve: RunningServe;

beforeAll(async () => {
  if (unavailable) throw new Error(`this test needs the DNSSEC lab (test/lab): ${unavailable}`);
  lab = await startLab();
  serve = await startServe(['--server', `${lab.resolver.address}:${lab.resolver.port}`, '--trust-anchor', lab.anchors.ds, '--timeout', '4000']);
}, 120_000);

afterAll(async () => {
  if (serve) expect(await serve.stop()).toBe(0);
  if (lab) await stopLab();
});

interface Raw {
  readonly opcode?: number;
  readonly qdcount?: number;
  readonly type?: number;
  readonly cls?: number;
}

/** A query as a client could send it: RD=1, CD=0, an OPT with DO=1 (so an EDE can come back). */
function rawQuery(id: number, r: Raw): Buffer {
  const head = Buffer.alloc(12);
  head.writeUInt16BE(id, 0);
  head.writeUInt16BE(0x0100 | ((r.opcode ?? 0) << 11), 2);
  head.writeUInt16BE(r.qdcount ?? 1, 4);
  head.writeUInt16BE(1, 10);
  const q = Buffer.concat([Buffer.from([3, ...Buffer.from('www'), 3, ...Buffer.from('lab'), 0]), Buffer.from([0, 0, 0, 0])]);
  q.writeUInt16BE(r.type ?? 1, q.length - 4);
  q.writeUInt16BE(r.cls ?? 1, q.length - 2);
  const opt = Buffer.from([0, 0, 41, 0x04, 0xd0, 0, 0, 0x80, 0, 0, 0]);
  return Buffer.concat([head, ...Array.from({ length: r.qdcount ?? 1 }, () => q), opt]);
}

/** Sends each query once over UDP to serve and returns the responses (undefined: none within 8 s). */
async function askRaw(queries: readonly Raw[]): Promise<(Uint8Array | undefined)[]> {
  const sock = createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  const out: (Uint8Array | undefined)[] = new Array(queries.length);
  const waiting = new Map<number, (m: Uint8Array | undefined) => void>();
  sock.on('message', (m) => waiting.get(m.readUInt16BE(0))?.(new Uint8Array(m)));
  try {
    // Eight at a time: well under serve's per-client bound.
    for (let i = 0; i < queries.length; i += 8) {
      await Promise.all(
        queries.slice(i, i + 8).map(
          (r, j) =>
            new Promise<void>((done) => {
              const id = i + j + 1;
              const timer = setTimeout(() => finish(undefined), 8000);
              const finish = (m: Uint8Array | undefined): void => {
                clearTimeout(timer);
                waiting.delete(id);
                out[id - 1] = m;
                done();
              };
              waiting.set(id, finish);
              sock.send(rawQuery(id, r), serve.port, serve.host);
            }),
        ),
      );
    }
  } finally {
    sock.close();
  }
  return out;
}

function ede(bytes: Uint8Array): { infoCode: number; text: string }[] {
  return extendedErrors(parseMessage(bytes));
}

describe('ANY through serve: the upstream answer validated like any other (RFC 8482 §4.1)', () => {
  for (const [client, ask] of Object.entries({ dig, kdig })) {
    for (const transport of ['udp', 'tcp'] as const) {
      const opts = ['+dnssec', ...(transport === 'tcp' ? ['+tcp'] : [])];
      it(`${client} over ${transport}: secure ANY has AD and its signed records; bogus ANY is SERVFAIL with the validator's EDE 6`, async () => {
        const secure = await ask(serve, 'mail.lab.', 'ANY', opts);
        expect(secure.status, secure.raw).toBe('NOERROR');
        expect(secure.flags, secure.raw).toContain('ad');
        expect(secure.answer.some((l) => / RRSIG /.test(l)), secure.raw).toBe(true);
        expect(secure.raw).not.toMatch(/internal error/);
        const nx = await ask(serve, 'nx.deny.lab.', 'ANY', opts);
        expect(nx.status, nx.raw).toBe('NXDOMAIN');
        expect(nx.flags, nx.raw).toContain('ad');
        const bogus = await ask(serve, 'www.badsig.lab.', 'ANY', opts);
        expect(bogus.status, bogus.raw).toBe('SERVFAIL');
        expect(bogus.ede, bogus.raw).toEqual([6]);
        expect(bogus.raw).toMatch(/signature does not verify/);
        const insecure = await ask(serve, 'www.unsigned.lab.', 'ANY', opts);
        expect(insecure.status, insecure.raw).toBe('NOERROR');
        expect(insecure.flags, insecure.raw).not.toContain('ad');
      }, 60_000);
    }
  }
});

describe('types validate refuses: REFUSED with EDE and the reason, never a verdict (RFC 8914 §4.22)', () => {
  it.each([
    ['RRSIG', 21, /RRSIG not served: an RRSIG RRset is never itself signed \(RFC 4035 §2\.2\)/],
    ['TYPE0', 30, /TYPE0 not served: TYPE0 is reserved/],
    // kdig knows neither mnemonic: the numbers (MAILA 254, TKEY 249).
    ['TYPE254', 30, /MAILA not served: MAILA is an obsolete query type/],
    ['TYPE249', 30, /TKEY not served: TKEY is a meta-type/],
  ])('%s: REFUSED, EDE %i (dig and kdig)', async (type, code, text) => {
    for (const ask of [dig, kdig]) {
      const a = await ask(serve, 'www.lab.', type, ['+dnssec']);
      expect(a.status, a.raw).toBe('REFUSED');
      expect(a.ede, a.raw).toEqual([code]);
      expect(a.raw).toMatch(text);
      expect(a.answer).toEqual([]);
    }
  }, 30_000);

  it('AXFR over TCP (dig, kdig) and over UDP: REFUSED with EDE 21 (a zone transfer, not a stub lookup)', async () => {
    const d = await dig(serve, 'lab.', 'AXFR', ['+edns=0']);
    // dig prints a transfer's refusal as "Transfer failed." and no header: kdig shows the rcode and the EDE.
    expect(d.raw).toMatch(/Transfer failed/);
    for (const opts of [['+tcp'], ['+notcp']]) {
      // kdig reports a refused transfer on stderr and exits 1.
      const k = await run('kdig', [`@${serve.host}`, '-p', String(serve.port), 'lab.', 'AXFR', ...opts, '+edns=0', '+retry=0', '+time=10']);
      expect(k.stderr, k.stdout).toMatch(/server replied with error 'REFUSED'/);
      expect(k.code).toBe(1);
      expect(k.stdout).not.toMatch(/lab\.\s+\d+\s+IN\s+SOA/);
    }
    const [axfr, ixfr] = await askRaw([{ type: 252 }, { type: 251 }]);
    for (const [m, what] of [[axfr, 'AXFR'], [ixfr, 'IXFR']] as const) {
      expect(m, what).toBeDefined();
      expect(m![3]! & 0xf, what).toBe(Rcode.REFUSED);
      expect(ede(m!), what).toEqual([{ infoCode: 21, text: expect.stringMatching(new RegExp(`^${what} not served: ${what} is a zone transfer, not a stub lookup`)) }]);
    }
  }, 30_000);
});

describe('no type, class, opcode or question count reaches "internal error" (table over raw UDP queries)', () => {
  const META = new Set([0, 41, 46, 249, 250, 251, 252, 253, 254]);
  const cases: { what: string; raw: Raw; rcode: readonly number[]; ede?: number }[] = [];
  for (let t = 0; t <= 300; t++) {
    if (t === 255) cases.push({ what: 'ANY', raw: { type: t }, rcode: [Rcode.NOERROR] });
    else if (t === 128) cases.push({ what: 'NXNAME (128)', raw: { type: t }, rcode: [Rcode.FORMERR], ede: 30 });
    else if (t === 46 || t === 251 || t === 252) cases.push({ what: `type ${t}`, raw: { type: t }, rcode: [Rcode.REFUSED], ede: 21 });
    else if (META.has(t) || (t > 128 && t < 255)) cases.push({ what: `type ${t}`, raw: { type: t }, rcode: [Rcode.REFUSED], ede: 30 });
    // A data type: a verdict (www.lab. has A, RRSIG, NSEC only; the rest is a secure NODATA).
    else cases.push({ what: `type ${t}`, raw: { type: t }, rcode: [Rcode.NOERROR] });
  }
  for (const t of [32768, 32769, 65280, 65534, 65535]) cases.push({ what: `type ${t}`, raw: { type: t }, rcode: [Rcode.NOERROR] });
  for (const [name, cls] of [['CH', 3], ['HS', 4], ['NONE', 254], ['ANY', 255], ['0', 0], ['65535', 65535]] as const) {
    cases.push({ what: `class ${name}`, raw: { cls }, rcode: [Rcode.REFUSED], ede: 21 });
  }
  for (const [name, opcode] of [['IQUERY', 1], ['STATUS', 2], ['NOTIFY', 4], ['UPDATE', 5], ['DSO', 6], ['15', 15]] as const) {
    cases.push({ what: `opcode ${name}`, raw: { opcode }, rcode: [Rcode.NOTIMP], ede: 21 });
  }
  cases.push({ what: 'QDCOUNT 0', raw: { qdcount: 0 }, rcode: [Rcode.FORMERR] });
  cases.push({ what: 'QDCOUNT 2', raw: { qdcount: 2 }, rcode: [Rcode.FORMERR] });

  it(`${cases.length} queries: each gets its rcode (and EDE), none SERVFAIL "internal error"`, async () => {
    const answers = await askRaw(cases.map((c) => c.raw));
    const wrong: string[] = [];
    cases.forEach((c, i) => {
      const m = answers[i];
      if (!m) return void wrong.push(`${c.what}: no response`);
      const rcode = m[3]! & 0xf;
      const edes = ede(m);
      if (edes.some((e) => /internal error/.test(e.text))) wrong.push(`${c.what}: internal error ${JSON.stringify(edes)}`);
      if (!c.rcode.includes(rcode)) wrong.push(`${c.what}: rcode ${rcode} ${JSON.stringify(edes)}`);
      if (c.ede !== undefined && !(edes.length === 1 && edes[0]!.infoCode === c.ede && edes[0]!.text.length > 0)) wrong.push(`${c.what}: EDE ${JSON.stringify(edes)}`);
      // The ID is echoed on every answer, rejected or not.
      if (((m[0]! << 8) | m[1]!) !== i + 1) wrong.push(`${c.what}: ID not echoed`);
    });
    expect(wrong).toEqual([]);
    expect(serve.stderr()).not.toMatch(/internal error/);
  }, 120_000);
});
