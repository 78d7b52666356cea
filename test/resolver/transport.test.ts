/** Response acceptance, stream framing and address comparison, without the network. */
import { describe, expect, it } from 'vitest';
import { FrameReader, frameMessage } from '../../src/resolver/tcp.js';
import { type ExpectedResponse, canonicalIp, checkResponse, formatServer } from '../../src/resolver/transport.js';
import { encodeMessage, encodeQuery } from '../../src/wire/message.js';
import { nameFromText } from '../../src/wire/name.js';
import { RRType } from '../../src/wire/rrtype.js';

const NAME = nameFromText('www.Example.com.');
const EXPECTED: ExpectedResponse = { id: 0x1234, name: NAME, type: RRType.A, class: 1 };

function response(over: { id?: number; qr?: boolean; opcode?: number; name?: string; type?: number; cls?: number; questions?: number }): Uint8Array {
  const q = { name: nameFromText(over.name ?? 'www.example.com.'), type: over.type ?? RRType.A, class: over.cls ?? 1 };
  return encodeMessage({
    id: over.id ?? 0x1234,
    flags: { qr: over.qr ?? true, opcode: over.opcode ?? 0, rd: true, ra: true },
    question: Array<typeof q>(over.questions ?? 1).fill(q),
    answer: [{ name: q.name, type: RRType.A, class: 1, ttl: 60, rdata: new Uint8Array([192, 0, 2, 1]) }],
  });
}

describe('checkResponse (RFC 5452 §9.1)', () => {
  it('accepts our ID and question, the name in any case', () => {
    const r = checkResponse(response({ name: 'WWW.EXAMPLE.COM.' }), EXPECTED);
    expect(r.ok).toBe(true);
  });

  it.each([
    ['a wrong ID', { id: 0x1235 }, /ID 4661 instead of 4660/],
    ['QR=0', { qr: false }, /QR/],
    ['a non-QUERY opcode', { opcode: 2 }, /opcode/],
    ['another name', { name: 'www.example.net.' }, /not ours/],
    ['another type', { type: RRType.AAAA }, /not ours/],
    ['another class', { cls: 3 }, /not ours/],
    ['no question', { questions: 0 }, /0 questions/],
    ['two questions', { questions: 2 }, /2 questions/],
  ] as const)('rejects %s', (_label, over, reason) => {
    const r = checkResponse(response(over), EXPECTED);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.malformed).toBe(false);
      expect(r.reason).toMatch(reason);
    }
  });

  it('skips the ID check only when told to (DoH, RFC 8484 §4.1)', () => {
    expect(checkResponse(response({ id: 0 }), { ...EXPECTED, id: undefined }).ok).toBe(true);
    expect(checkResponse(response({ id: 0 }), EXPECTED).ok).toBe(false);
  });

  it('reports a message that does not parse as malformed', () => {
    const good = response({});
    for (const bad of [good.subarray(0, 11), good.subarray(0, good.length - 1), new Uint8Array([0x12, 0x34, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0])]) {
      const r = checkResponse(bad, EXPECTED);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.malformed).toBe(true);
    }
  });

  it('does not take our own query for an answer', () => {
    expect(checkResponse(encodeQuery(NAME, RRType.A, { id: 0x1234 }), EXPECTED).ok).toBe(false);
  });
});

describe('TCP framing (RFC 1035 §4.2.2)', () => {
  const messages = [new Uint8Array([1, 2, 3]), new Uint8Array(0), new Uint8Array(300).fill(7), new Uint8Array([9])];
  const stream = new Uint8Array(messages.reduce((n, m) => n + m.length + 2, 0));
  let o = 0;
  for (const m of messages) {
    stream.set(frameMessage(m), o);
    o += m.length + 2;
  }

  it.each([1, 2, 3, 5, 64, 1000])('reassembles messages from %i-octet chunks', (size) => {
    const reader = new FrameReader();
    const out: Uint8Array[] = [];
    for (let i = 0; i < stream.length; i += size) out.push(...reader.push(stream.slice(i, i + size)));
    expect(out).toEqual(messages);
    expect(reader.pendingBytes).toBe(0);
  });

  it('keeps an incomplete message until the rest arrives', () => {
    const reader = new FrameReader();
    expect(reader.push(stream.slice(0, 4))).toEqual([]);
    expect(reader.pendingBytes).toBe(4);
    expect(reader.push(stream.slice(4, 5))).toEqual([messages[0]]);
  });

  it('writes the length in network byte order and refuses oversize messages', () => {
    expect([...frameMessage(new Uint8Array(258)).subarray(0, 2)]).toEqual([1, 2]);
    expect(() => frameMessage(new Uint8Array(65536))).toThrow(RangeError);
  });
});

describe('addresses', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['::1', '0:0:0:0:0:0:0:1'],
    ['2001:DB8::1', '2001:db8:0:0:0:0:0:1'],
    ['2001:db8:0:0::1', '2001:db8:0:0:0:0:0:1'],
    ['fe80::1%eth0', 'fe80:0:0:0:0:0:0:1'],
    ['::ffff:192.0.2.7', '192.0.2.7'],
    ['::ffff:c000:207', '192.0.2.7'],
  ])('canonicalIp(%s) = %s', (input, want) => {
    expect(canonicalIp(input)).toBe(want);
  });

  it('formats IPv6 servers with brackets', () => {
    expect(formatServer({ host: '::1', port: 853 })).toBe('[::1]:853');
    expect(formatServer({ host: '192.0.2.1', port: 53 })).toBe('192.0.2.1:53');
  });
});
