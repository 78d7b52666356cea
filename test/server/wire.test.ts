/**
 * The proxy's pure parts: reading client queries (RFC 1035 §4.1.1, RFC 6891),
 * writing responses (echo, flags, OPT with DO and EDE, compression,
 * truncation), the access list, and the serve command line (never an open
 * resolver by accident).
 */
import { describe, expect, it } from 'vitest';
import { AccessList, isLoopback } from '../../src/server/acl.js';
import { AnswerMemo } from '../../src/server/answer-memo.js';
import { rawResponse } from '../../src/server/raw-answer.js';
import type { ResponseSource } from '../../src/validator/context.js';
import { readRequest } from '../../src/server/request.js';
import { CLASSIC_UDP_LIMIT, SERVER_UDP_PAYLOAD, encodeResponse, udpLimit } from '../../src/server/response.js';
import { parseServe } from '../../src/cli/serve.js';
import { UsageError } from '../../src/cli/args.js';
import { encodeMessage, encodeQuery, extendedErrors, parseMessage } from '../../src/wire/message.js';
import { nameFromText } from '../../src/wire/name.js';
import { RRType, Rcode } from '../../src/wire/rrtype.js';
import { sizedMessage } from './sized-message.js';

const q = (name: string, type: number, opts: Parameters<typeof encodeQuery>[2] = { id: 0x1234 }): Uint8Array => encodeQuery(nameFromText(name), type, opts);

describe('reading queries (RFC 1035 §4.1.1)', () => {
  it('a normal query: ID, RD, CD, DO, buffer and the question octets in the client case', () => {
    const r = readRequest(q('WwW.Example.', RRType.A, { id: 7, cd: false, udpPayloadSize: 4096 }));
    expect(r.kind).toBe('query');
    if (r.kind !== 'query') return;
    expect(r.query.id).toBe(7);
    expect(r.query.rd).toBe(true);
    expect(r.query.cd).toBe(false);
    expect(r.query.edns?.dnssecOk).toBe(true);
    expect(r.query.edns?.udpPayloadSize).toBe(4096);
    expect(new TextDecoder().decode(r.query.questionBytes.subarray(1, 4))).toBe('WwW');
  });

  it.each([
    ['shorter than a header', new Uint8Array(5)],
    ['a response (QR=1)', (() => { const b = q('a.', 1); b[2]! |= 0x80; return b; })()],
  ])('%s: dropped', (_what, bytes) => {
    expect(readRequest(bytes).kind).toBe('drop');
  });

  it('opcode NOTIFY: NOTIMP with the ID echoed', () => {
    const b = q('a.', 1);
    b[2] = (b[2]! & 0x87) | (4 << 3);
    const r = readRequest(b);
    expect(r.kind === 'reject' && r.reject.rcode).toBe(Rcode.NOTIMP);
  });

  it.each([
    ['two questions', encodeMessage({ id: 1, question: [{ name: nameFromText('a.'), type: 1, class: 1 }, { name: nameFromText('b.'), type: 1, class: 1 }] })],
    ['no question', encodeMessage({ id: 1 })],
    ['a name running past the end', q('abc.', 1).subarray(0, 15)],
    ['a record in the answer section', encodeMessage({ id: 1, question: [{ name: nameFromText('a.'), type: 1, class: 1 }], answer: [{ name: nameFromText('a.'), type: 1, class: 1, ttl: 1, rdata: new Uint8Array(4) }] })],
  ])('%s: FORMERR', (_what, bytes) => {
    const r = readRequest(bytes);
    expect(r.kind).toBe('reject');
    if (r.kind === 'reject') expect(r.reject.rcode).toBe(Rcode.FORMERR);
  });

  it.each([
    ['AXFR', RRType.AXFR],
    ['IXFR', RRType.IXFR],
    ['MAILB', RRType.MAILB],
    ['TSIG as a question', RRType.TSIG],
  ])('%s: REFUSED', (_what, type) => {
    const r = readRequest(q('a.', type));
    expect(r.kind === 'reject' && r.reject.rcode).toBe(Rcode.REFUSED);
  });

  it('class CH: REFUSED', () => {
    const b = encodeMessage({ id: 1, question: [{ name: nameFromText('version.bind.'), type: RRType.TXT, class: 3 }] });
    const r = readRequest(b);
    expect(r.kind === 'reject' && r.reject.rcode).toBe(Rcode.REFUSED);
  });

  it('EDNS version 1: BADVERS, answered with an OPT (RFC 6891 §6.1.3)', () => {
    const b = encodeMessage({ id: 1, question: [{ name: nameFromText('a.'), type: 1, class: 1 }], edns: { udpPayloadSize: 1232, version: 1, dnssecOk: false, options: [] } });
    const r = readRequest(b);
    expect(r.kind === 'reject' && r.reject.rcode).toBe(Rcode.BADVERS);
    if (r.kind === 'reject') expect(r.reject.edns).toBe(true);
  });

  it('random octets never throw', () => {
    let seed = 1;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff;
    for (let i = 0; i < 2000; i++) {
      const b = new Uint8Array(12 + (i % 80)).map(rnd);
      expect(() => readRequest(b)).not.toThrow();
    }
  });
});

describe('writing responses', () => {
  const question = q('WwW.Lab.', RRType.A).subarray(12, 12 + 9 + 4);
  const rr = (n: string, i: number) => ({ name: nameFromText(n), type: RRType.A, class: 1, ttl: 60, rdata: new Uint8Array([192, 0, 2, i]) });

  it('echoes ID, RD, CD and the question; sets QR and RA; copies DO into the OPT (RFC 3225 §3)', () => {
    const bytes = encodeResponse({ id: 99, rd: true, cd: true, ad: true, rcode: 0, questionBytes: question, answer: [rr('www.lab.', 1)], edns: { dnssecOk: true } }, 512);
    const m = parseMessage(bytes);
    expect(m.id).toBe(99);
    expect(m.flags).toMatchObject({ qr: true, ra: true, rd: true, cd: true, ad: true, tc: false, aa: false });
    expect(m.question[0]!.name).toEqual(['WwW', 'Lab']);
    expect(m.answer).toHaveLength(1);
    expect(m.edns?.dnssecOk).toBe(true);
    expect(m.edns?.udpPayloadSize).toBe(SERVER_UDP_PAYLOAD);
  });

  it('owner names are compressed against the question', () => {
    const bytes = encodeResponse({ id: 1, rd: false, cd: false, ad: false, rcode: 0, questionBytes: question, answer: [rr('www.lab.', 1), rr('www.lab.', 2)] }, 512);
    // header 12 + question 13 + 2 x (pointer 2 + 10 + 4)
    expect(bytes.length).toBe(12 + 13 + 2 * 16);
    expect(parseMessage(bytes).answer.map((r) => r.name)).toEqual([['WwW', 'Lab'], ['WwW', 'Lab']]);
  });

  it('an EDE option carries the info code and text (RFC 8914 §2)', () => {
    const bytes = encodeResponse({ id: 1, rd: true, cd: false, ad: false, rcode: Rcode.SERVFAIL, questionBytes: question, edns: { dnssecOk: false, ede: { code: 7, text: 'signature expired (zone lab.)' } } }, 512);
    const m = parseMessage(bytes);
    expect(m.rcode).toBe(Rcode.SERVFAIL);
    expect(extendedErrors(m)).toEqual([{ infoCode: 7, text: 'signature expired (zone lab.)' }]);
  });

  it('BADVERS (16) puts its upper bits in the OPT (RFC 6891 §6.1.3)', () => {
    const m = parseMessage(encodeResponse({ id: 1, rd: false, cd: false, ad: false, rcode: Rcode.BADVERS, questionBytes: question, edns: { dnssecOk: false } }, 512));
    expect(m.rcode).toBe(Rcode.BADVERS);
  });

  it('too large for the client: TC=1, question and OPT only, no AD', () => {
    const many = Array.from({ length: 60 }, (_, i) => rr('www.lab.', i));
    const init = { id: 1, rd: true, cd: false, ad: true, rcode: 0, questionBytes: question, answer: many, edns: { dnssecOk: true } };
    const small = parseMessage(encodeResponse(init, CLASSIC_UDP_LIMIT));
    expect(small.flags.tc).toBe(true);
    expect(small.flags.ad).toBe(false);
    expect(small.answer).toEqual([]);
    expect(small.edns).toBeDefined();
    const whole = parseMessage(encodeResponse(init, 0xffff));
    expect(whole.flags.tc).toBe(false);
    expect(whole.answer).toHaveLength(60);
  });

  it('the UDP limit: 512 without EDNS, the client buffer within [512, 1232] with it', () => {
    expect(udpLimit(undefined)).toBe(512);
    expect(udpLimit(100)).toBe(512);
    expect(udpLimit(1000)).toBe(1000);
    expect(udpLimit(4096)).toBe(SERVER_UDP_PAYLOAD);
  });
});

describe("answers made from the upstream's own octets", () => {
  // An upstream response as a resolver writes it: compressed owners and MX targets (pointers to the
  // question at offset 12), AA set, an OPT record last.
  const label = (t: string): number[] => [t.length, ...[...t].map((c) => c.charCodeAt(0))];
  const mx = (pref: number, host: string, ttl: number): number[] => [0xc0, 12, 0, 15, 0, 1, 0, 0, ttl >> 8, ttl & 0xff, 0, 2 + 1 + host.length + 2, 0, pref, ...label(host), 0xc0, 12];
  const upstream = new Uint8Array([
    0x10, 0x92, 0x85, 0x00, 0, 1, 0, 2, 0, 0, 0, 1,
    ...label('mail'), ...label('lab'), 0, 0, 15, 0, 1,
    ...mx(10, 'mx1', 3600),
    ...mx(20, 'mx2', 60),
    0, 0, 41, 0x10, 0, 0, 0, 0x80, 0, 0, 0,
  ]);
  const parsed = parseMessage(upstream);
  const clientQuestion = q('MaIl.LAB.', RRType.MX).subarray(12, 12 + 10 + 4);
  const init = { id: 7, rd: true, cd: false, ad: true, rcode: 0, questionBytes: clientQuestion, answer: parsed.answer, authority: [], additional: [], edns: { dnssecOk: true } };

  it('keeps the upstream octets, rewriting header, question case, TTLs (capped) and OPT', () => {
    const out = rawResponse(upstream, init, 300, 1232)!;
    expect(out).toBeDefined();
    const m = parseMessage(out);
    expect(m.id).toBe(7);
    expect(m.flags).toMatchObject({ qr: true, aa: false, ad: true, ra: true, rd: true, tc: false });
    expect(m.question[0]!.name).toEqual(['MaIl', 'LAB']);
    expect(m.answer.map((r) => r.ttl)).toEqual([300, 60]);
    // Names compressed against the question read in the client's case (as from Unbound or BIND); the same otherwise.
    const lower = (b: Uint8Array): string => new TextDecoder('latin1').decode(b).toLowerCase();
    expect(m.answer.map((r) => lower(r.rdata))).toEqual(parsed.answer.map((r) => lower(r.rdata)));
    expect(m.answer.map((r) => r.rdata.length)).toEqual([16, 16]);
    expect(m.edns).toMatchObject({ udpPayloadSize: SERVER_UDP_PAYLOAD, dnssecOk: true, options: [] });
    // The compressed records are the upstream's: same length as theirs, shorter than written anew.
    expect(out.length).toBe(upstream.length);
    expect(out.length).toBeLessThan(encodeResponse(init, 1232).length);
  });

  it('not when a record is left out, when the OPT is not last, or when it does not fit', () => {
    expect(rawResponse(upstream, { ...init, answer: parsed.answer.slice(0, 1) }, 300, 1232)).toBeUndefined();
    expect(rawResponse(upstream, init, 300, upstream.length - 1)).toBeUndefined();
    const optFirst = new Uint8Array([
      0, 1, 0x81, 0x00, 0, 1, 0, 1, 0, 0, 0, 2,
      ...label('mail'), ...label('lab'), 0, 0, 15, 0, 1,
      ...mx(10, 'mx1', 1),
      0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, 0,
      0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 1, 0, 4, 192, 0, 2, 1,
    ]);
    const p2 = parseMessage(optFirst);
    expect(rawResponse(optFirst, { ...init, answer: p2.answer, additional: p2.additional }, 300, 1232)).toBeUndefined();
  });

  it('not for another question', () => {
    const other = q('mail.lac.', RRType.MX).subarray(12, 12 + 10 + 4);
    expect(rawResponse(upstream, { ...init, questionBytes: other }, 300, 1232)).toBeUndefined();
  });
});

describe('the answer memo is bounded', () => {
  const source = (size: number): ResponseSource => ({ query: () => Promise.resolve(sizedMessage(size)) });

  it('by entries: the least recently stored goes first', async () => {
    const memo = new AnswerMemo(source(10), 2);
    for (const n of ['a.', 'b.', 'c.']) await memo.query(nameFromText(n), 1);
    expect(memo.get(nameFromText('a.'), 1)).toBeUndefined();
    expect(memo.get(nameFromText('B.'), 1)).toBeDefined();
    expect(memo.get(nameFromText('c.'), 1)).toBeDefined();
  });

  it('by octets held', async () => {
    const memo = new AnswerMemo(source(60_000), 1000, 200_000);
    for (let i = 0; i < 10; i++) await memo.query(nameFromText(`n${i}.`), 1);
    const kept = Array.from({ length: 10 }, (_, i) => memo.get(nameFromText(`n${i}.`), 1)).filter(Boolean);
    expect(kept.length).toBe(3);
    expect(memo.get(nameFromText('n9.'), 1)).toBeDefined();
  });
});

describe('access list: loopback only unless --allow', () => {
  it('loopback (IPv4, IPv6, IPv4-mapped) is allowed, nothing else by default', () => {
    const acl = new AccessList();
    for (const a of ['127.0.0.1', '127.86.0.5', '::1', '::ffff:127.0.0.1']) expect(acl.allows(a), a).toBe(true);
    for (const a of ['192.0.2.1', '10.0.0.1', '::2', '2001:db8::1', '::ffff:192.0.2.1', 'garbage', undefined]) expect(acl.allows(a), String(a)).toBe(false);
  });

  it('--allow adds networks, with their prefix lengths', () => {
    const acl = new AccessList(['192.0.2.0/25', '2001:db8::/32']);
    expect(acl.allows('192.0.2.127')).toBe(true);
    expect(acl.allows('192.0.2.128')).toBe(false);
    expect(acl.allows('2001:db8:ffff::1')).toBe(true);
    expect(acl.allows('2001:db9::1')).toBe(false);
  });

  it('isLoopback', () => {
    expect(isLoopback('127.0.0.1')).toBe(true);
    expect(isLoopback('::1')).toBe(true);
    expect(isLoopback('0.0.0.0')).toBe(false);
    expect(isLoopback('::')).toBe(false);
  });
});

describe('serve command line', () => {
  it('defaults: 127.0.0.1:53, loopback clients only', () => {
    const c = parseServe(['--server', '192.0.2.53']);
    expect(c).toMatchObject({ command: 'serve', listen: [{ host: '127.0.0.1', port: 53 }], allow: [] });
  });

  it.each([
    [['--listen', '0.0.0.0:53'], /not a loopback address.*--allow/],
    [['--listen', '[::]:53'], /not a loopback address/],
    [['--listen', '192.0.2.1:53'], /not a loopback address/],
    [['--allow', '10.0.0.0/33'], /bad prefix/],
    [['--allow', 'example.com'], /not an IP network/],
    [['--listen', 'localhost:53'], /IP address/],
    [['--tcp', '--tls'], /cannot be combined/],
    [['--stats', 'x'], /whole number/],
    [['--server', '127.0.0.1:5300', '--listen', '127.0.0.1:5300'], /ask itself/],
    [['extra'], /./],
  ])('%j is a usage error', (args, message) => {
    expect(() => parseServe(args)).toThrow(UsageError);
    expect(() => parseServe(args)).toThrow(message);
  });

  it('a non-loopback --listen with an explicit --allow is accepted', () => {
    expect(parseServe(['--listen', '0.0.0.0:53', '--allow', '192.0.2.0/24'])).toMatchObject({ allow: ['192.0.2.0/24'] });
  });
});
