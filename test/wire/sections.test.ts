import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { nameToText } from '../../src/wire/name.js';
import { encodeMessage, parseMessage } from '../../src/wire/message.js';
import { RRType, Rcode } from '../../src/wire/rrtype.js';
import { PresentationError, rdataToText } from '../../src/wire/presentation.js';
import { parseSectionedText } from '../../src/wire/sections.js';

const RFC_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../data/vectors/rfc');
function rfcFiles(): string[] {
  if (!existsSync(RFC_DIR)) throw new Error(`test vectors missing: ${RFC_DIR} (expected in test/data/vectors)`);
  const files = readdirSync(RFC_DIR).filter((f) => /^rfc(4035|5155)-B.*\.txt$/.test(f)).sort();
  if (files.length === 0) throw new Error(`no rfc4035-B*/rfc5155-B* files in ${RFC_DIR}`);
  return files;
}

/**
 * Independent count of the records per section: a record starts on every
 * non-blank, non-comment line met outside parentheses; the markers are
 * ";; Answer" etc. on their own lines.
 */
function expectedFromFile(text: string): { counts: Record<string, number>; header: string; query: string } {
  const counts: Record<string, number> = { answer: 0, authority: 0, additional: 0 };
  let section = '';
  let header = '';
  let query = '';
  let depth = 0;
  for (const line of text.split('\n')) {
    const code = line.replace(/;.*$/, '');
    const startsRecord = depth === 0 && code.trim() !== '' && !code.trim().startsWith('$');
    depth += (code.match(/\(/g) ?? []).length - (code.match(/\)/g) ?? []).length;
    const marker = /^;; (Question|Answer|Authority|Additional)\s*$/.exec(line);
    if (marker) section = marker[1]!.toLowerCase();
    else if (line.startsWith(';; Header:')) header = line.slice(10).trim();
    else if (line.startsWith('; Query:')) query = line.slice(8).replace(/\(DO set\)\.?/, '').trim();
    else if (startsRecord) counts[section] = (counts[section] ?? 0) + 1;
  }
  return { counts, header, query };
}

describe('RFC 4035 / RFC 5155 appendix B responses', () => {
  it.each(rfcFiles())('%s', (file) => {
    const text = readFileSync(join(RFC_DIR, file), 'utf8');
    const expected = expectedFromFile(text);
    const responses = parseSectionedText(text, { fileName: file });
    expect(responses).toHaveLength(1);
    const r = responses[0]!;
    expect({ answer: r.answer.length, authority: r.authority.length, additional: r.additional.length }).toEqual(expected.counts);
    expect(r.answer.length + r.authority.length).toBeGreaterThan(0);
    // Header line, e.g. "QR AA DO RCODE=3".
    const words = expected.header.split(/\s+/);
    expect(r.flags.qr).toBe(words.includes('QR'));
    expect(r.flags.aa).toBe(words.includes('AA'));
    expect(r.dnssecOk).toBe(words.includes('DO'));
    expect(r.rcode).toBe(Number(/RCODE=(\d+)/.exec(expected.header)![1]));
    // Question, against the file's "; Query: name IN TYPE" description line.
    const [qname, , qtype] = expected.query.split(/\s+/);
    expect(r.question && nameToText(r.question.name)).toBe(qname);
    expect(r.question?.type).toBe(RRType[qtype as keyof typeof RRType]);
    // Records default to class IN and carry TTL 3600 (explicit or $TTL).
    for (const rr of [...r.answer, ...r.authority, ...r.additional]) expect([rr.class, rr.ttl]).toEqual([1, 3600]);
    // The response survives the wire codec.
    const wire = encodeMessage({ flags: r.flags, rcode: r.rcode, question: r.question ? [r.question] : [], answer: r.answer, authority: r.authority, additional: r.additional });
    const back = parseMessage(wire);
    expect(back.authority.map((x) => Buffer.from(x.rdata).toString('hex'))).toEqual(r.authority.map((x) => Buffer.from(x.rdata).toString('hex')));
  });

  it('RFC 4035 B.2 holds the NSEC records of the name error proof', () => {
    const [r] = parseSectionedText(readFileSync(join(RFC_DIR, 'rfc4035-B2-name-error.txt'), 'utf8'));
    expect(r!.rcode).toBe(Rcode.NXDOMAIN);
    const nsec = r!.authority.filter((x) => x.type === RRType.NSEC).map((x) => `${nameToText(x.name)} ${rdataToText(x.type, x.rdata)}`);
    expect(nsec).toEqual(['b.example. ns1.example. NS RRSIG NSEC', 'example. a.example. NS SOA MX RRSIG NSEC DNSKEY']);
  });
});

const DIG = `
; <<>> DiG 9.18.28 <<>> +dnssec +multiline example.com. DNSKEY
;; global options: +cmd
;; Got answer:
;; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 40157
;; flags: qr rd ra ad; QUERY: 1, ANSWER: 2, AUTHORITY: 0, ADDITIONAL: 1

;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags: do; udp: 1232
;; QUESTION SECTION:
;example.com.		IN DNSKEY

;; ANSWER SECTION:
example.com.		3600 IN	DNSKEY 257 3 13 (
				mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+Gq
				JxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==
				) ; KSK; alg = ECDSAP256SHA256 ; key id = 2371
example.com.		3600 IN	RRSIG DNSKEY 13 2 3600 (
				20240101000000 20231201000000 2371 example.com.
				AQIDBA== )

;; Query time: 20 msec
;; SERVER: 127.0.0.1#53(127.0.0.1) (UDP)
;; WHEN: Mon Jan 01 00:00:00 UTC 2024
;; MSG SIZE  rcvd: 200

; <<>> DiG 9.18.28 <<>> nx.example.com. A
;; ->>HEADER<<- opcode: QUERY, status: NXDOMAIN, id: 7
;; flags: qr aa rd; QUERY: 1, ANSWER: 0, AUTHORITY: 1, ADDITIONAL: 0

;; QUESTION SECTION:
;nx.example.com.			IN	A

;; AUTHORITY SECTION:
example.com.		300	IN	SOA	ns.example.com. admin.example.com. 1 7200 3600 1209600 300
`;

describe('dig output', () => {
  const responses = parseSectionedText(DIG, { fileName: 'dig.txt' });
  it('splits responses at each ->>HEADER<<- line', () => {
    expect(responses).toHaveLength(2);
  });
  it('reads header, flags, EDNS DO, question and sections', () => {
    const [a, b] = responses as [NonNullable<(typeof responses)[0]>, NonNullable<(typeof responses)[0]>];
    expect(a.id).toBe(40157);
    expect(a.rcode).toBe(Rcode.NOERROR);
    expect(a.flags).toMatchObject({ qr: true, rd: true, ra: true, ad: true, aa: false, cd: false });
    expect(a.dnssecOk).toBe(true);
    expect(a.question && [nameToText(a.question.name), a.question.type, a.question.class]).toEqual(['example.com.', RRType.DNSKEY, 1]);
    expect(a.answer.map((r) => r.type)).toEqual([RRType.DNSKEY, RRType.RRSIG]);
    expect(rdataToText(RRType.DNSKEY, a.answer[0]!.rdata)).toBe(
      '257 3 13 mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==',
    );
    expect(a.additional).toHaveLength(0);
    expect(b.rcode).toBe(Rcode.NXDOMAIN);
    expect(b.flags).toMatchObject({ qr: true, aa: true, rd: true, ra: false, ad: false });
    expect(b.dnssecOk).toBe(false);
    expect(b.question && nameToText(b.question.name)).toBe('nx.example.com.');
    expect(b.authority.map((r) => [nameToText(r.name), r.ttl, r.type])).toEqual([['example.com.', 300, RRType.SOA]]);
  });

  it('checks the counts announced on the flags line', () => {
    const bad = DIG.replace('ANSWER: 2, AUTHORITY: 0', 'ANSWER: 3, AUTHORITY: 0');
    expect(() => parseSectionedText(bad, { fileName: 'dig.txt' })).toThrow(/dig\.txt line 6: .*ANSWER: 3 but the text holds 2/);
  });
});

describe('response boundaries and errors', () => {
  it('a second question marker starts a second response', () => {
    const rs = parseSectionedText(';; Question\n;; a. IN A\n;; Answer\na. 60 A 192.0.2.1\n;; Question\n;; b. IN A\n;; Answer\nb. 60 A 192.0.2.2\n');
    expect(rs.map((r) => [r.question && nameToText(r.question.name), r.answer.length, r.line])).toEqual([['a.', 1, 1], ['b.', 1, 5]]);
  });

  it('a section marker alone opens a response', () => {
    const [r] = parseSectionedText(';; Authority\nexample. 60 NS ns.example.\n');
    expect(r!.authority).toHaveLength(1);
    expect(r!.question).toBeUndefined();
  });

  it('records before any marker form one answer-only response (dig +noall +answer)', () => {
    const rs = parseSectionedText('example.com.\t300\tIN\tA\t192.0.2.1\nexample.com.\t300\tIN\tA\t192.0.2.2\n;; Header: QR RCODE=0\n;; Authority\nexample.com. 60 NS ns.example.com.\n');
    expect(rs.map((r) => [r.answer.length, r.authority.length, r.flags.qr])).toEqual([[2, 0, false], [0, 1, true]]);
  });

  it('a record outside a section is an error naming file and line', () => {
    expect(() => parseSectionedText(';; Header: QR RCODE=0\n\na. A 192.0.2.1\n', { fileName: 'x.txt' })).toThrow(PresentationError);
    expect(() => parseSectionedText(';; Header: QR RCODE=0\n\na. A 192.0.2.1\n', { fileName: 'x.txt' })).toThrow(/x\.txt line 3/);
  });

  it('bad records and header words name the line', () => {
    expect(() => parseSectionedText(';; Answer\na. A 192.0.2.1\nb. A 300.0.0.1\n', { fileName: 'y.txt' })).toThrow(/y\.txt line 3: .*IPv4/);
    expect(() => parseSectionedText(';; Header: QR XX\n', { fileName: 'y.txt' })).toThrow(/y\.txt line 1: unknown header word/);
    expect(() => parseSectionedText(';; Header: RCODE=BOGUS\n')).toThrow(/RCODE/);
  });

  it('accepts rcode names in the header', () => {
    expect(parseSectionedText(';; Header: QR RCODE=SERVFAIL\n;; Answer\n')[0]!.rcode).toBe(Rcode.SERVFAIL);
  });
});

describe('hostile input', () => {
  it('random marker soup gives responses or PresentationError, nothing else', () => {
    let seed = 0x2468ace1;
    const rand = (n: number): number => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) % n;
    };
    const pieces = [';; Header: QR RCODE=3\n', ';; Question\n', ';; a. IN A\n', ';; Answer\n', ';; ANSWER SECTION:\n', ';; Authority\n',
      ';; ->>HEADER<<- opcode: QUERY, status: NXDOMAIN, id: 9\n', ';; flags: qr; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 0\n',
      'a. 60 A 192.0.2.1\n', '  TXT "x"\n', '(', ')', '; EDNS: version: 0, flags: do; udp: 1232\n', ';; OPT PSEUDOSECTION:\n', '$TTL 5\n', '\n'];
    for (let i = 0; i < 2000; i++) {
      let text = '';
      for (let j = rand(12); j > 0; j--) text += pieces[rand(pieces.length)];
      try {
        parseSectionedText(text);
      } catch (e) {
        expect(e, JSON.stringify(text)).toBeInstanceOf(PresentationError);
      }
    }
  });
});
