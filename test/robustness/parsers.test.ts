/**
 * Parsers on hostile input (project principle 3): random and mutated bytes
 * and text go in; what comes out is a parsed value or the parser's own
 * documented error class, never another exception and never a hang.
 *
 *  - parseMessage (RFC 1035 §4.1): MessageError. Inputs: the responses
 *    captured in fixtures/lab with bits flipped, truncated at every length,
 *    header counts rewritten; compression pointers (RFC 1035 §4.1.4) that
 *    loop, point forward, point at themselves, into pointers, past the end,
 *    or chain backwards across the whole message; random bytes.
 *  - A parsed message re-encodes (encodeMessage) and parses back to the same
 *    records: parseMessage only ever returns something the codec can write.
 *  - parseZoneText / parseSectionedText: PresentationError; parseAnchorText /
 *    parseRootAnchorsXml: AnchorFileError; checkFixture / readFixture:
 *    FixtureError. Inputs: random token soup and mutated real texts (RFC
 *    vector zones and responses, the IANA root-anchors.xml, lab fixtures).
 *  - readRrsig / readDnskey / readDs / readNsec / readNsec3 / readTypeBitmap /
 *    keyTag on random bytes: a value or undefined, never an exception.
 *  - rdataToText never throws, and its text reads back to the same octets.
 *
 * Every input comes from a seeded PRNG: a failure names its seed and replays.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MessageError, encodeMessage, parseMessage, type Message, type RR } from '../../src/wire/message.js';
import { RDATA_NAME_LAYOUT } from '../../src/wire/rdata-names.js';
import { RRType } from '../../src/wire/rrtype.js';
import { PresentationError, parseZoneText, rdataFromText, rdataToText } from '../../src/wire/presentation.js';
import { parseSectionedText } from '../../src/wire/sections.js';
import { AnchorFileError, parseAnchorText, parseRootAnchorsXml } from '../../src/dnssec/anchors.js';
import { FixtureError, checkFixture, readFixture } from '../../src/fixtures/fixture.js';
import { keyTag, readDnskey, readDs, readNsec, readNsec3, readRrsig, readTypeBitmap } from '../../src/dnssec/records.js';
import { MAX_NAME_WIRE_LENGTH, nameWireLength } from '../../src/wire/name.js';
import { readShared } from '../support/record-pool.js';
import { HANDWRITTEN_DIR, Prng, ROOT_DIR, flipBit, labCases } from './_support.js';

// ------------------------------------------------------------------ inputs

const LAB = labCases();
/** Every captured response of fixtures/lab, as the bytes the lab servers sent. */
const CAPTURED: { label: string; bytes: Uint8Array }[] = LAB.flatMap((c) =>
  c.fixture.exchanges.map((x) => ({ label: `${c.file} ${x.name} ${x.type}`, bytes: new Uint8Array(Buffer.from(x.response ?? '', 'base64')) })),
);

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

type Verdict = { ok: true; message: Message } | { ok: false; error: MessageError };

/** parseMessage, with any exception other than MessageError turned into a test failure naming the input. */
function parse(bytes: Uint8Array, label: string): Verdict {
  try {
    return { ok: true, message: parseMessage(bytes) };
  } catch (e) {
    if (e instanceof MessageError) return { ok: false, error: e };
    throw new Error(`parseMessage threw ${(e as Error)?.name}: ${(e as Error)?.message} on ${label}: ${hex(bytes)}`);
  }
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((v, i) => v === b[i]);

/** A parsed message re-encodes and parses back to the same records (RDATA equal where no name can be re-expanded). */
function roundTrip(m: Message, label: string): string[] {
  const problems: string[] = [];
  let again: Message;
  try {
    again = parseMessage(encodeMessage({ ...m, question: m.question }));
  } catch (e) {
    return [`${label}: re-encoding a parsed message fails: ${(e as Error).name}: ${(e as Error).message}`];
  }
  const sections = ['answer', 'authority', 'additional'] as const;
  if (again.question.length !== m.question.length) problems.push(`${label}: question count ${m.question.length} → ${again.question.length}`);
  for (const s of sections) {
    if (again[s].length !== m[s].length) {
      problems.push(`${label}: ${s} count ${m[s].length} → ${again[s].length}`);
      continue;
    }
    m[s].forEach((rr: RR, i: number) => {
      const b = again[s][i]!;
      if (rr.type !== b.type || rr.class !== b.class || rr.ttl !== b.ttl || rr.name.join('.') !== b.name.join('.')) problems.push(`${label}: ${s}[${i}] header changed`);
      if (!RDATA_NAME_LAYOUT.has(rr.type) && !sameBytes(rr.rdata, b.rdata)) problems.push(`${label}: ${s}[${i}] RDATA changed`);
    });
    for (const rr of m[s]) if (nameWireLength(rr.name) > MAX_NAME_WIRE_LENGTH) problems.push(`${label}: owner longer than 255 octets`);
  }
  return problems;
}

/** Parses, and when that works, checks the round trip; collects problems. */
function check(bytes: Uint8Array, label: string, problems: string[]): Verdict {
  const v = parse(bytes, label);
  if (v.ok) problems.push(...roundTrip(v.message, label));
  return v;
}

// ------------------------------------------------------------------ parseMessage

describe('parseMessage on mutated captured responses', () => {
  it('there are captured responses to mutate, and every one parses as captured', () => {
    expect(CAPTURED.length).toBeGreaterThan(300);
    const problems: string[] = [];
    for (const c of CAPTURED) expect(check(c.bytes, c.label, problems).ok, c.label).toBe(true);
    expect(problems).toEqual([]);
  });

  it('single and multiple bit flips in every captured response: a message or MessageError, and parsed ones round-trip', () => {
    const rng = new Prng(0x5eed0001);
    const problems: string[] = [];
    let rejected = 0;
    for (const c of CAPTURED) {
      for (let k = 0; k < 24; k++) {
        let b = c.bytes;
        const flips = k < 16 ? 1 : 1 + rng.int(8);
        for (let f = 0; f < flips; f++) b = flipBit(b, rng.int(b.length * 8));
        if (!check(b, `${c.label} flip round ${k}`, problems).ok) rejected++;
      }
    }
    expect(problems).toEqual([]);
    // The mutations do reach the error paths (a loose lower bound, not a measurement).
    expect(rejected).toBeGreaterThan(100);
  });

  it('truncation at every length of the four largest responses: MessageError for every proper prefix that cuts a record', () => {
    const largest = [...CAPTURED].sort((a, b) => b.bytes.length - a.bytes.length).slice(0, 4);
    const problems: string[] = [];
    for (const c of largest) {
      for (let len = 0; len < c.bytes.length; len++) {
        const v = check(c.bytes.subarray(0, len), `${c.label} truncated to ${len}`, problems);
        // The header's counts promise every record: a prefix cannot hold them all.
        if (v.ok) problems.push(`${c.label} truncated to ${len} of ${c.bytes.length} octets parsed`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('header counts rewritten (random, +1, 0xFFFF): a message or MessageError', () => {
    const rng = new Prng(0x5eed0002);
    const problems: string[] = [];
    for (const c of CAPTURED.filter((_, i) => i % 3 === 0)) {
      for (let k = 0; k < 8; k++) {
        const b = c.bytes.slice();
        const field = 4 + 2 * rng.int(4);
        const old = (b[field]! << 8) | b[field + 1]!;
        const v = k === 0 ? 0xffff : k === 1 ? old + 1 : k === 2 ? Math.max(0, old - 1) : rng.int(0x10000);
        b[field] = (v >> 8) & 0xff;
        b[field + 1] = v & 0xff;
        check(b, `${c.label} count at ${field} = ${v}`, problems);
      }
    }
    expect(problems).toEqual([]);
  });

  it('random bytes, and random bytes behind a plausible header: a message or MessageError', () => {
    const rng = new Prng(0x5eed0003);
    const problems: string[] = [];
    for (let k = 0; k < 3000; k++) {
      const len = rng.int(k < 1000 ? 40 : 600);
      const b = rng.bytes(len);
      if (k >= 1500 && len >= 12) {
        // Small counts so that parsing gets past the header.
        for (let f = 4; f < 12; f += 2) {
          b[f] = 0;
          b[f + 1] = rng.int(4);
        }
      }
      check(b, `random message ${k}`, problems);
    }
    expect(problems).toEqual([]);
  });
});

/** A message: header with the given counts, then `body` verbatim. */
function message(counts: [number, number, number, number], body: number[]): Uint8Array {
  return new Uint8Array([0x12, 0x34, 0x81, 0x80, ...counts.flatMap((n) => [n >> 8, n & 0xff]), ...body]);
}

/** A record with owner `owner` (raw octets), type, class IN, TTL 60 and raw RDATA. */
function record(owner: number[], type: number, rdata: number[]): number[] {
  return [...owner, type >> 8, type & 0xff, 0, 1, 0, 0, 0, 60, rdata.length >> 8, rdata.length & 0xff, ...rdata];
}

const QUESTION = [7, ...Buffer.from('example'), 3, ...Buffer.from('com'), 0, 0, 1, 0, 1]; // example.com. A IN, at offset 12

describe('parseMessage and compression pointers (RFC 1035 §4.1.4)', () => {
  const cases: [string, Uint8Array, 'ok' | 'error' | 'either'][] = [
    ['question name is a pointer to itself', message([1, 0, 0, 0], [0xc0, 12, 0, 1, 0, 1]), 'error'],
    ['question name points forward', message([1, 0, 0, 0], [0xc0, 14, 0, 1, 0, 1, 0]), 'error'],
    ['pointer past the end of the message', message([1, 0, 0, 0], [0xff, 0xff, 0, 1, 0, 1]), 'error'],
    ['pointer cut after its first octet', message([1, 0, 0, 0], [0xc0]), 'error'],
    ['owner is a pointer to the question name', message([1, 1, 0, 0], [...QUESTION, ...record([0xc0, 12], 1, [192, 0, 2, 1])]), 'ok'],
    ['two pointers pointing at each other', message([1, 1, 0, 0], [...QUESTION, ...record([0xc0, 31], 1, [1, 2, 3, 4]), 0xc0, 29]), 'error'],
    ['pointer to the second octet of another pointer', message([1, 1, 0, 0], [...QUESTION, ...record([1, 0x61, 0xc0, 12], 1, [1, 2, 3, 4]), ...record([0xc0, 32], 1, [1, 2, 3, 4])]), 'either'],
    ['label type 0x40 (RFC 6891 §5 extended labels)', message([1, 0, 0, 0], [0x41, 0, 0, 1, 0, 1]), 'error'],
    ['label type 0x80 (reserved)', message([1, 0, 0, 0], [0x81, 0x61, 0, 0, 1, 0, 1]), 'error'],
    ['CNAME RDATA pointing into the header', message([1, 1, 0, 0], [...QUESTION, ...record([0xc0, 12], 5, [0xc0, 2])]), 'either'],
    ['CNAME RDATA pointing past its RDATA end', message([1, 1, 0, 0], [...QUESTION, ...record([0xc0, 12], 5, [0xc0, 0xff])]), 'either'],
    ['MX RDATA shorter than its preference', message([1, 1, 0, 0], [...QUESTION, ...record([0xc0, 12], 15, [0])]), 'either'],
    ['RRSIG signer name compressed', message([1, 1, 0, 0], [...QUESTION, ...record([0xc0, 12], 46, [...new Array(18).fill(1), 0xc0, 12, 9, 9])]), 'either'],
    ['RDLENGTH past the end', message([1, 1, 0, 0], [...QUESTION, 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0xff, 0xff, 1, 2]), 'error'],
    ['two OPT records', message([1, 0, 0, 2], [...QUESTION, 0, 0, 41, 4, 0xd0, 0, 0, 0x80, 0, 0, 0, 0, 0, 41, 4, 0xd0, 0, 0, 0x80, 0, 0, 0]), 'error'],
    ['OPT with a non-root owner', message([1, 0, 0, 1], [...QUESTION, 0xc0, 12, 0, 41, 4, 0xd0, 0, 0, 0x80, 0, 0, 0]), 'error'],
    ['EDNS option longer than the OPT RDATA', message([1, 0, 0, 1], [...QUESTION, 0, 0, 41, 4, 0xd0, 0, 0, 0x80, 0, 0, 4, 0, 15, 0, 9]), 'error'],
    ['a 256-octet name made of four pointers to 63-octet labels', (() => {
      const l63 = [63, ...new Array(63).fill(0x61)];
      // offset 12: label A (64 octets) then root; offset 77: label B + pointer to A; offset 143: label C + pointer to B; ...
      const body = [...l63, 0, 0, 1, 0, 1];
      return message([1, 3, 0, 0], [...body, ...record([...l63, 0xc0, 12], 1, [1, 2, 3, 4]), ...record([...l63, 0xc0, 81], 1, [1, 2, 3, 4]), ...record([...l63, 0xc0, 161], 1, [1, 2, 3, 4])]);
    })(), 'error'],
  ];
  it.each(cases)('%s', (label, bytes, expected) => {
    const problems: string[] = [];
    const v = check(bytes, label, problems);
    expect(problems).toEqual([]);
    if (expected !== 'either') expect(v.ok ? 'ok' : 'error', v.ok ? 'parsed' : v.error.message).toBe(expected);
  });

  it('a backward chain of 1000 pointers, names growing to the 255-octet cap, and random label/pointer soups: a message or MessageError', () => {
    const problems: string[] = [];
    // Every owner is a pointer to the previous owner (itself a pointer): resolving the last one takes 1000 jumps.
    const body: number[] = [1, 0x61, 0, 0, 1, 0, 1];
    const recs: number[] = [];
    let prev = 12;
    let offset = 12 + body.length;
    let n = 0;
    while (offset + 16 <= 0x3fff) {
      recs.push(...record([0xc0 | (prev >> 8), prev & 0xff], 1, [192, 0, 2, n & 0xff]));
      prev = offset;
      offset += 16;
      n++;
    }
    const chain = check(message([1, n, 0, 0], [...body, ...recs]), 'pointer chain', problems);
    expect(chain.ok, 'a chain of backward pointers is legal').toBe(true);
    if (chain.ok) expect(chain.message.answer.every((rr) => rr.name.join('.') === 'a')).toBe(true);
    // Each owner is a new label plus a pointer to the previous owner: the names grow past 255 octets.
    const grow: number[] = [];
    prev = 12;
    offset = 12 + body.length;
    for (let i = 0; i < 200; i++) {
      const rr = record([1, 0x62, 0xc0 | (prev >> 8), prev & 0xff], 1, [192, 0, 2, 1]);
      grow.push(...rr);
      prev = offset;
      offset += rr.length;
    }
    const grown = check(message([1, 200, 0, 0], [...body, ...grow]), 'growing names', problems);
    expect(grown.ok ? 'parsed' : grown.error.message).toMatch(/255/);
    const rng = new Prng(0x5eed0004);
    for (let k = 0; k < 2000; k++) {
      const parts: number[] = [...QUESTION];
      const n = 1 + rng.int(6);
      for (let r = 0; r < n; r++) {
        const owner: number[] = [];
        for (let l = rng.int(5); l > 0; l--) owner.push(1, 0x61 + rng.int(26));
        const target = rng.int(12 + parts.length + 8);
        if (rng.int(3) > 0) owner.push(0xc0 | (target >> 8), target & 0xff);
        else owner.push(0);
        const type = rng.pick([1, 2, 5, 6, 12, 15, 39, 46, 47, 41, 50]);
        const rd: number[] = [];
        for (let l = rng.int(6); l > 0; l--) rd.push(rng.int(3) === 0 ? 0xc0 : rng.int(64), rng.int(256));
        parts.push(...record(owner, type, rd));
      }
      check(message([1, n, 0, 0], parts), `pointer soup ${k}`, problems);
    }
    expect(problems).toEqual([]);
  });
});

describe('encodeMessage writes what parseMessage reads back', () => {
  it('an RDATA longer than 65535 octets is refused, not written with a wrapped RDLENGTH', () => {
    // RFC 1035 §3.2.1: RDLENGTH is 16 bits. Writing 70000 octets under RDLENGTH 70000 mod 65536 would
    // give bytes that parse to other records than the ones encoded.
    const big: RR = { name: ['big', 'example'], type: RRType.TXT, class: 1, ttl: 60, rdata: new Uint8Array(70_000).fill(0x41) };
    let wire: Uint8Array | undefined;
    let error: unknown;
    try {
      wire = encodeMessage({ flags: { qr: true }, question: [{ name: big.name, type: RRType.TXT, class: 1 }], answer: [big] });
    } catch (e) {
      error = e;
    }
    if (wire) {
      // Accepting it is only right if it reads back as the one record that was written.
      const v = parse(wire, 'encoded 70000-octet RDATA');
      expect(v.ok && v.message.answer.length === 1 && v.message.answer[0]!.rdata.length === 70_000, 'the 70000-octet RDATA does not read back').toBe(true);
    } else {
      expect(error).toBeInstanceOf(Error);
    }
  });
});

describe('encodeMessage and section counts', () => {
  it('65536 records in one section are refused, or read back as 65536 (RFC 1035 §4.1.1: counts are 16 bits)', () => {
    const rr: RR = { name: ['a'], type: RRType.A, class: 1, ttl: 60, rdata: new Uint8Array([192, 0, 2, 1]) };
    let wire: Uint8Array | undefined;
    try {
      wire = encodeMessage({ flags: { qr: true }, answer: new Array<RR>(65_536).fill(rr) });
    } catch (e) {
      expect(e).toBeInstanceOf(Error);
    }
    if (wire) {
      const v = parse(wire, 'encoded 65536 answers');
      expect(v.ok ? v.message.answer.length : v.error.message, 'the 65536 records do not read back').toBe(65_536);
    }
  });
});

// ------------------------------------------------------------------ text parsers

const TOKENS = [
  '$ORIGIN', '$TTL', '$INCLUDE', '$GENERATE', '$FOO', '@', '.', '..', 'example.', 'a.b.c', 'www', '*', '*.example.', 'xn--bcher-kva.example.',
  'IN', 'CH', 'HS', 'CLASS255', 'CLASS99999', 'TYPE65534', 'TYPE0', 'TYPE65536', 'A', 'AAAA', 'NS', 'CNAME', 'SOA', 'MX', 'TXT', 'DS', 'DNSKEY',
  'RRSIG', 'NSEC', 'NSEC3', 'NSEC3PARAM', 'TLSA', 'DNAME', 'SVCB', 'HTTPS', 'CAA', 'SRV', 'PTR', 'HINFO', 'OPT', 'ANY', '\\#', '0', '1', '3', '8', '13',
  '255', '256', '65535', '65536', '4294967295', '4294967296', '-1', '1h30m', '1w', '2d', '99999999999999999999', '1e3', '(', ')', '((', '))', '"', '""',
  '"a b"', '"\\"', '\\', '\\000', '\\255', '\\256', '\\999', '\\.', ';', '; comment', ';; Answer', ';; Authority', ';; Additional', ';; Question',
  ';; Header: QR AA DO RCODE=3', ';; Header: RCODE=9999', ';; Header: XYZ', ';; ->>HEADER<<- opcode: QUERY, status: NXDOMAIN, id: 1',
  ';; ->>HEADER<<- opcode: 99, status: BOGUS, id: x', ';; flags: qr aa; QUERY: 1, ANSWER: 2, AUTHORITY: 0, ADDITIONAL: 1', ';; QUESTION SECTION:',
  ';example. IN A', ';; ANSWER SECTION:', ';; OPT PSEUDOSECTION:', '; EDNS: version: 0, flags: do; udp: 1232', 'AwEAAagAIKlVZrpC6Ia7gEzahOR+9W29',
  'AwEAAag=', '====', 'YWJj', '-', '0123456789abcdef', 'ABCDEFGHIJKLMNOPQRSTUV', '2BB183AF5F22588179A53B0A98631FAD1A292118', 'ZZZZ',
  '20240101000000', '20991231235959', '99999999999999', '1700000000', '192.0.2.1', '256.1.1.1', '1.2.3', '::1', '2001:db8::', ':::', '1::2::3',
  'ff'.repeat(40), 'a'.repeat(63), 'a'.repeat(64), `${'a.'.repeat(130)}`, '\u00ff', '\u2603', '\u0000', '\t', '\r', '\ufeff',
  'trust-anchors', 'managed-keys', 'trusted-keys', '{', '}', 'initial-key', 'initial-ds', 'static-key', 'static-ds', '/*', '*/', '//', '#',
];
const SPACES = [' ', ' ', ' ', '\t', '\n', '\n', '\r\n', '  ', '\n '];

function tokenSoup(rng: Prng, count: number): string {
  let out = '';
  for (let i = 0; i < count; i++) out += rng.pick(TOKENS) + rng.pick(SPACES);
  return out;
}

/** A real text with a few random edits: spans deleted, duplicated, characters replaced, tokens inserted. */
function mutateText(rng: Prng, text: string, edits: number): string {
  let t = text;
  for (let e = 0; e < edits; e++) {
    const at = rng.int(t.length + 1);
    switch (rng.int(5)) {
      case 0:
        t = t.slice(0, at) + t.slice(at + 1 + rng.int(40));
        break;
      case 1: {
        const len = rng.int(60);
        t = t.slice(0, at) + t.slice(at, at + len) + t.slice(at);
        break;
      }
      case 2:
        t = t.slice(0, at) + String.fromCharCode(rng.int(128)) + t.slice(at + 1);
        break;
      case 3:
        t = t.slice(0, at) + rng.pick(SPACES) + rng.pick(TOKENS) + rng.pick(SPACES) + t.slice(at);
        break;
      default:
        t = t.slice(0, at) + rng.pick(['(', ')', '"', '\\', ';', '\n', '<', '>', '/', '&']) + t.slice(at);
    }
  }
  return t;
}

/**
 * Runs `fn`; an exception of a class other than `allowed` is recorded in
 * `problems` (one entry per distinct error message, with the shortest input
 * that produced it, so one bug does not hide the next).
 */
function onlyThrows(
  fn: () => unknown,
  allowed: readonly (abstract new (...args: never[]) => Error)[],
  label: string,
  input: string,
  problems: Map<string, string>,
): 'ok' | 'error' {
  try {
    fn();
    return 'ok';
  } catch (e) {
    if (allowed.some((cls) => e instanceof cls)) return 'error';
    const what = `${label} threw ${(e as Error)?.name}: ${(e as Error)?.message}`;
    const seen = problems.get(what);
    if (seen === undefined || input.length < seen.length) problems.set(what, input);
    return 'error';
  }
}

function report(problems: Map<string, string>): string[] {
  return [...problems].map(([what, input]) => `${what} on input ${JSON.stringify(input.slice(0, 400))}`);
}

const VECTOR_TEXTS = [
  'rfc/rfc4035-A-signed-zone.zone',
  'rfc/rfc5155-A-signed-zone.zone',
  'rfc/rfc4035-B2-name-error.txt',
  'rfc/rfc4035-B6-wildcard-expansion.txt',
  'rfc/rfc5155-B1-name-error.txt',
  'rfc/rfc5155-B4-wildcard-expansion.txt',
  'rfc/rfc6605-6.1-ecdsap256.txt',
  'rfc/rfc8080-6.2-ed448-example1.txt',
  'real/root-trust-anchors.txt',
  'real/chain-bitcoin.ninja-NSEC3-wildcard.zone',
].map((f) => ({ file: f, text: readShared(`vectors/${f}`) }));

const ROOT_XML = readFileSync(join(ROOT_DIR, 'trust-anchors', 'root-anchors.xml'), 'utf8');
const XML_TOKENS = [
  '<?xml version="1.0" encoding="UTF-8"?>', '<TrustAnchor id="x" source="y">', '</TrustAnchor>', '<Zone>', '.', 'example.', '</Zone>',
  '<KeyDigest id="Kjqmt7v" validFrom="2010-07-15T00:00:00+00:00" validUntil="2019-01-11T00:00:00+00:00">', '<KeyDigest id="a" validFrom="garbage">',
  '<KeyDigest id="b" validFrom="2017-02-02T00:00:00">', '</KeyDigest>', '<KeyTag>', '</KeyTag>', '19036', '20326', '65536', '<Algorithm>', '</Algorithm>',
  '8', '253', '<DigestType>', '</DigestType>', '2', '1', '<Digest>', '</Digest>', 'E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D',
  'zz', '<PublicKey>', '</PublicKey>', 'AwEAAaz/tAm8yTn4Mfeh', '<Flags>', '</Flags>', '257', '256', '<!--', '-->', '<![CDATA[', ']]>', '&amp;', '&lt;', '&#x41;',
  '<', '>', '/>', '"', '\n',
];

describe('text parsers on random and mutated text', () => {
  it('parseZoneText: records or PresentationError', () => {
    const rng = new Prng(0x5eed0010);
    const problems = new Map<string, string>();
    let errors = 0;
    for (let k = 0; k < 1500; k++) {
      const text = tokenSoup(rng, 1 + rng.int(30));
      if (onlyThrows(() => parseZoneText(text, { fileName: 'soup' }), [PresentationError], 'parseZoneText', text, problems) === 'error') errors++;
    }
    for (const v of VECTOR_TEXTS) {
      for (let k = 0; k < 40; k++) {
        const text = mutateText(rng, v.text, 1 + rng.int(6));
        onlyThrows(() => parseZoneText(text, { fileName: v.file }), [PresentationError], `parseZoneText (${v.file} mutated)`, text, problems);
      }
    }
    expect(report(problems)).toEqual([]);
    expect(errors).toBeGreaterThan(100);
  });

  it('parseSectionedText: responses or PresentationError', () => {
    const rng = new Prng(0x5eed0011);
    const problems = new Map<string, string>();
    for (let k = 0; k < 1500; k++) {
      const text = tokenSoup(rng, 1 + rng.int(30));
      onlyThrows(() => parseSectionedText(text, { fileName: 'soup' }), [PresentationError], 'parseSectionedText', text, problems);
    }
    for (const v of VECTOR_TEXTS) {
      for (let k = 0; k < 40; k++) {
        const text = mutateText(rng, v.text, 1 + rng.int(6));
        onlyThrows(() => parseSectionedText(text, { fileName: v.file }), [PresentationError], `parseSectionedText (${v.file} mutated)`, text, problems);
      }
    }
    expect(report(problems)).toEqual([]);
  });

  it('parseAnchorText: anchors or AnchorFileError (zone text and BIND clauses)', () => {
    const rng = new Prng(0x5eed0012);
    const problems = new Map<string, string>();
    const bind = 'trust-anchors {\n  . initial-key 257 3 8 "AwEAAaz/tAm8yTn4Mfeh";\n  . initial-ds 20326 8 2 "E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D";\n};\n';
    for (let k = 0; k < 1500; k++) {
      const text = k % 3 === 0 ? `trust-anchors { ${tokenSoup(rng, rng.int(20))}` : tokenSoup(rng, 1 + rng.int(30));
      onlyThrows(() => parseAnchorText(text, 'soup'), [AnchorFileError], 'parseAnchorText', text, problems);
    }
    for (const base of [bind, ...VECTOR_TEXTS.filter((v) => v.file.includes('anchors') || v.file.includes('6605')).map((v) => v.text)]) {
      for (let k = 0; k < 150; k++) {
        const text = mutateText(rng, base, 1 + rng.int(5));
        onlyThrows(() => parseAnchorText(text, 'mutated'), [AnchorFileError], 'parseAnchorText (mutated)', text, problems);
      }
    }
    expect(report(problems)).toEqual([]);
  });

  it.each([
    ['an empty entry', 'trust-anchors { ; };'],
    ['an empty entry after a good one', 'trust-anchors {\n  . initial-ds 20326 8 2 "E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D";\n  ;\n};'],
    ['an empty managed-keys entry', 'managed-keys { ; };'],
    ['a clause without its closing brace', 'trust-anchors {'],
    ['a clause without its closing semicolon', 'trust-anchors { }'],
  ])('BIND clause with %s: AnchorFileError naming the file', (_, text) => {
    let error: unknown;
    try {
      parseAnchorText(text, 'named.conf');
    } catch (e) {
      error = e;
    }
    expect(error, String(error)).toBeInstanceOf(AnchorFileError);
    expect((error as AnchorFileError).fileName).toBe('named.conf');
  });

  it('parseRootAnchorsXml: anchors or AnchorFileError', () => {
    const rng = new Prng(0x5eed0013);
    const problems = new Map<string, string>();
    const now = 1_750_000_000;
    expect(parseRootAnchorsXml(ROOT_XML, 'root-anchors.xml', now).length).toBe(1);
    for (let k = 0; k < 1000; k++) {
      let text = '';
      for (let i = 1 + rng.int(40); i > 0; i--) text += rng.pick(XML_TOKENS);
      onlyThrows(() => parseRootAnchorsXml(text, 'soup.xml', now), [AnchorFileError], 'parseRootAnchorsXml', text, problems);
    }
    for (let k = 0; k < 600; k++) {
      const text = mutateText(rng, ROOT_XML, 1 + rng.int(5));
      onlyThrows(() => parseRootAnchorsXml(text, 'mutated.xml', rng.int(2) ? now : rng.int(0x7fffffff)), [AnchorFileError], 'parseRootAnchorsXml (mutated)', text, problems);
    }
    expect(report(problems)).toEqual([]);
  });

  describe('fixtures', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dnssec-stub-robustness-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    /** A random JSON value, biased towards the shapes a fixture has. */
    function randomJson(rng: Prng, depth: number): unknown {
      const kind = rng.int(depth > 3 ? 6 : 9);
      switch (kind) {
        case 0: return null;
        case 1: return rng.int(2) === 0;
        case 2: return rng.pick([0, 1, -1, 1.5, 1e308, 2 ** 53, 1795827156]);
        case 3: return rng.pick(['', 'dnssec-stub-fixture', 'A', 'DNSKEY', 'example.', '..', 'AAAA', '@@@', '=', 'TYPE99999', '\\999.', 'a'.repeat(300)]);
        case 4: return rng.pick([Number.NaN, Number.POSITIVE_INFINITY]);
        case 5: return rng.pick(['AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', '!!!!', 'qr', '; nothing']);
        case 6: return Array.from({ length: rng.int(4) }, () => randomJson(rng, depth + 1));
        default: {
          const o: Record<string, unknown> = {};
          for (const k of ['format', 'version', 'time', 'question', 'trustAnchors', 'exchanges', 'expected', 'name', 'type', 'response', 'text']) {
            if (rng.int(2) === 0) o[k] = randomJson(rng, depth + 1);
          }
          return o;
        }
      }
    }

    it('checkFixture on random JSON values and on real fixtures with fields replaced: a fixture or FixtureError', () => {
      const rng = new Prng(0x5eed0014);
      const problems = new Map<string, string>();
      const real = LAB.slice(0, 10).map((c) => c.fixture);
      for (let k = 0; k < 3000; k++) {
        let value: unknown;
        if (k % 2 === 0) value = randomJson(rng, 0);
        else {
          const f = JSON.parse(JSON.stringify(rng.pick(real))) as Record<string, unknown>;
          const field = rng.pick(['format', 'version', 'time', 'question', 'trustAnchors', 'exchanges', 'expected']);
          if (rng.int(3) === 0) delete f[field];
          else f[field] = randomJson(rng, 1);
          const ex = f.exchanges;
          if (Array.isArray(ex) && ex.length > 0 && rng.int(2) === 0) ex[rng.int(ex.length)] = randomJson(rng, 1);
          value = f;
        }
        onlyThrows(() => checkFixture(value, 'random'), [FixtureError], 'checkFixture', JSON.stringify(value) ?? String(value), problems);
      }
      expect(report(problems)).toEqual([]);
    });

    it('readFixture on mutated fixture files: a fixture or FixtureError', () => {
      const rng = new Prng(0x5eed0015);
      const problems = new Map<string, string>();
      const texts = [
        ...LAB.slice(0, 4).map((c) => JSON.stringify(c.fixture, null, 1)),
        readFileSync(join(HANDWRITTEN_DIR, 'rfc4035-b1-answer-secure.json'), 'utf8'),
      ];
      const path = join(dir, 'fixture.json');
      for (let k = 0; k < 300; k++) {
        const text = k % 10 === 0 ? tokenSoup(rng, 5) : mutateText(rng, rng.pick(texts), 1 + rng.int(4));
        writeFileSync(path, text);
        onlyThrows(() => readFixture(path), [FixtureError], 'readFixture', text, problems);
      }
      onlyThrows(() => readFixture(join(dir, 'absent.json')), [FixtureError], 'readFixture (absent file)', '', problems);
      expect(() => readFixture(join(dir, 'absent.json'))).toThrow(FixtureError);
      expect(report(problems)).toEqual([]);
    });
  });
});

// ------------------------------------------------------------------ record readers

describe('record readers on random RDATA', () => {
  it('readRrsig / readDnskey / readDs / readNsec / readNsec3 / readTypeBitmap / keyTag never throw, and what they read fits the RDATA', () => {
    const rng = new Prng(0x5eed0020);
    const problems: string[] = [];
    const inputs: Uint8Array[] = [];
    for (let k = 0; k < 4000; k++) inputs.push(rng.bytes(rng.int(k < 2000 ? 24 : 300)));
    // Captured DNSSEC RDATA with bits flipped and cut short.
    for (const c of LAB.slice(0, 20)) {
      for (const x of c.fixture.exchanges) {
        const m = parseMessage(new Uint8Array(Buffer.from(x.response ?? '', 'base64')));
        for (const rr of [...m.answer, ...m.authority]) {
          if (![RRType.RRSIG, RRType.DNSKEY, RRType.DS, RRType.NSEC, RRType.NSEC3].includes(rr.type as 46)) continue;
          inputs.push(flipBit(rr.rdata, rng.int(rr.rdata.length * 8)), rr.rdata.subarray(0, rng.int(rr.rdata.length)));
        }
      }
    }
    for (const rd of inputs) {
      const label = hex(rd);
      try {
        const sig = readRrsig(rd);
        if (sig && sig.signedPrefix.length + sig.signature.length !== rd.length) problems.push(`readRrsig: prefix + signature != RDATA for ${label}`);
        const key = readDnskey(rd);
        if (key && key.publicKey.length !== rd.length - 4) problems.push(`readDnskey: key length for ${label}`);
        if (key && (key.keyTag < 0 || key.keyTag > 0xffff)) problems.push(`readDnskey: key tag ${key.keyTag}`);
        const ds = readDs(rd);
        if (ds && ds.digest.length !== rd.length - 4) problems.push(`readDs: digest length for ${label}`);
        readNsec(rd)?.types.list();
        const n3 = readNsec3(rd);
        if (n3 && (n3.salt.length !== rd[4] || n3.nextHashed.length === 0)) problems.push(`readNsec3: salt/hash for ${label}`);
        readTypeBitmap(rd, rng.int(rd.length + 1))?.list();
        const tag = keyTag(rd);
        if (!Number.isInteger(tag) || tag < 0 || tag > 0xffff) problems.push(`keyTag ${tag} for ${label}`);
      } catch (e) {
        problems.push(`threw ${(e as Error).name}: ${(e as Error).message} on ${label}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('rdataToText never throws, and its text reads back to the same octets (types 0..260 and the DNSSEC/mail types)', () => {
    const rng = new Prng(0x5eed0021);
    const problems: string[] = [];
    const types = [...Array.from({ length: 261 }, (_, i) => i), 32768, 32769, 65534, 65535];
    for (const type of types) {
      for (let k = 0; k < 12; k++) {
        const rd = rng.bytes(rng.int(k < 6 ? 12 : 80));
        let text: string;
        try {
          text = rdataToText(type, rd);
        } catch (e) {
          problems.push(`rdataToText(${type}) threw ${(e as Error).name}: ${(e as Error).message} on ${hex(rd)}`);
          continue;
        }
        try {
          const back = rdataFromText(type, text);
          if (!sameBytes(back, rd)) problems.push(`type ${type}: ${hex(rd)} → ${JSON.stringify(text)} → ${hex(back)}`);
        } catch (e) {
          problems.push(`type ${type}: ${hex(rd)} → ${JSON.stringify(text)} does not read back: ${(e as Error).name}: ${(e as Error).message}`);
        }
      }
    }
    expect(problems.slice(0, 30)).toEqual([]);
  });
});
