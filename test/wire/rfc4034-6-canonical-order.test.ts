/**
 * RFC 4034 §6.1 canonical name order, §6.2 canonical RR form and §6.3
 * canonical RR ordering within an RRset; label-aware name comparison.
 */
import { describe, expect, it } from 'vitest';
import { compareNames, isSubdomain, nameFromText, nameToText, nameEquals, readName, nameToWire, NameError } from '../../src/wire/name.js';
import { canonicalRdata, canonicalRdataSet, signedOwner } from '../../src/dnssec/canonical.js';
import { rdataFromText } from '../../src/wire/presentation.js';
import { RRType } from '../../src/wire/rrtype.js';
import type { RR } from '../../src/wire/message.js';

describe('RFC 4034 §6.1 canonical DNS name order', () => {
  // The example list of §6.1, in canonical order, verbatim.
  const ordered = ['example.', 'a.example.', 'yljkjljk.a.example.', 'Z.a.example.', 'zABC.a.EXAMPLE.', 'z.example.', '\\001.z.example.', '*.z.example.', '\\200.z.example.'];

  it('sorts the §6.1 example list into the RFC order', () => {
    const names = ordered.map((t) => nameFromText(t));
    const shuffled = [...names].reverse();
    shuffled.push(shuffled.shift()!);
    shuffled.sort(compareNames);
    expect(shuffled.map(nameToText)).toEqual(names.map(nameToText));
  });

  it('orders every adjacent pair strictly', () => {
    for (let i = 0; i + 1 < ordered.length; i++) {
      expect(compareNames(nameFromText(ordered[i]!), nameFromText(ordered[i + 1]!))).toBeLessThan(0);
      expect(compareNames(nameFromText(ordered[i + 1]!), nameFromText(ordered[i]!))).toBeGreaterThan(0);
    }
  });

  it('compares case-insensitively (RFC 4343)', () => {
    expect(compareNames(nameFromText('WWW.Example.COM.'), nameFromText('www.example.com.'))).toBe(0);
    expect(nameEquals(nameFromText('WWW.Example.COM.'), nameFromText('www.example.com.'))).toBe(true);
  });
});

describe('label-aware subdomain test', () => {
  it('"badexample.com." is not below "example.com."', () => {
    expect(isSubdomain(nameFromText('badexample.com.'), nameFromText('example.com.'))).toBe(false);
    expect(isSubdomain(nameFromText('bad.example.com.'), nameFromText('example.com.'))).toBe(true);
    expect(isSubdomain(nameFromText('EXAMPLE.com.'), nameFromText('example.COM.'))).toBe(true);
    expect(isSubdomain(nameFromText('com.'), nameFromText('example.com.'))).toBe(false);
    expect(isSubdomain(nameFromText('anything.'), nameFromText('.'))).toBe(true);
  });
});

describe('RFC 1035 §4.1.4 compression pointers', () => {
  it('follows a backward pointer', () => {
    // "example.com." at 0, then "www" + pointer to 0 at 13
    const buf = new Uint8Array([7, ...Buffer.from('example'), 3, ...Buffer.from('com'), 0, 3, ...Buffer.from('www'), 0xc0, 0]);
    const { name, end } = readName(buf, 13);
    expect(nameToText(name)).toBe('www.example.com.');
    expect(end).toBe(buf.length);
  });

  it('rejects a forward pointer and a pointer loop', () => {
    expect(() => readName(new Uint8Array([0xc0, 2, 0]), 0)).toThrow(NameError);
    expect(() => readName(new Uint8Array([1, 0x61, 0xc0, 0]), 0)).toThrow(NameError);
  });

  it('rejects names longer than 255 octets', () => {
    const parts: number[] = [];
    for (let i = 0; i < 5; i++) parts.push(63, ...new Array(63).fill(0x61));
    parts.push(0);
    expect(() => readName(new Uint8Array(parts), 0)).toThrow(NameError);
  });

  it('keeps label bytes exactly, including dots and upper case', () => {
    const n = nameFromText('a\\.b.C.');
    expect(n).toEqual(['a.b', 'C']);
    expect(nameToText(n)).toBe('a\\.b.C.');
    expect([...nameToWire(n)]).toEqual([3, 0x61, 0x2e, 0x62, 1, 0x43, 0]);
  });
});

describe('RFC 4034 §6.2 canonical RR form (with RFC 6840 §5.1)', () => {
  const origin = nameFromText('example.');
  it('lowercases names in MX, NS, SOA, RRSIG, SRV RDATA', () => {
    const mx = rdataFromText(RRType.MX, '10 MAIL.Example.', origin);
    expect(Buffer.from(canonicalRdata(RRType.MX, mx)).toString('latin1')).toContain('mail');
    expect(Buffer.from(canonicalRdata(RRType.MX, mx)).toString('latin1')).not.toContain('MAIL');
    const soa = rdataFromText(RRType.SOA, 'NS1.Example. HostMaster.Example. 1 2 3 4 5', origin);
    expect(Buffer.from(canonicalRdata(RRType.SOA, soa)).toString('latin1')).not.toMatch(/[A-Z]/);
  });

  it('does not lowercase the NSEC next name (RFC 6840 §5.1)', () => {
    const nsec = rdataFromText(RRType.NSEC, 'Next.Example. A RRSIG NSEC', origin);
    expect(canonicalRdata(RRType.NSEC, nsec)).toEqual(nsec);
  });

  it('leaves RDATA of types without names untouched (TXT keeps case)', () => {
    const txt = rdataFromText(RRType.TXT, '"Hello World"', origin);
    expect(canonicalRdata(RRType.TXT, txt)).toBe(txt);
  });

  it('orders an RRset by canonical RDATA and drops duplicates (§6.3)', () => {
    const mk = (t: string): RR => ({ name: origin, type: RRType.A, class: 1, ttl: 1, rdata: rdataFromText(RRType.A, t, origin) });
    const set = canonicalRdataSet(RRType.A, [mk('192.0.2.10'), mk('192.0.2.2'), mk('192.0.2.10'), mk('10.0.0.1')]);
    expect(set.map((r) => [...r].join('.'))).toEqual(['10.0.0.1', '192.0.2.2', '192.0.2.10']);
  });

  it('compares case-folded RDATA for ordering (MX with upper-case names)', () => {
    const mk = (t: string): RR => ({ name: origin, type: RRType.MX, class: 1, ttl: 1, rdata: rdataFromText(RRType.MX, t, origin) });
    const set = canonicalRdataSet(RRType.MX, [mk('10 B.example.'), mk('10 a.example.'), mk('10 b.EXAMPLE.')]);
    expect(set).toHaveLength(2);
  });
});

describe('RFC 4035 §5.3.2 wildcard owner rebuilt from the labels field', () => {
  it('replaces the leftmost labels by *', () => {
    expect(nameToText(signedOwner(nameFromText('a.z.w.example.'), 2))).toBe('*.w.example.');
    expect(nameToText(signedOwner(nameFromText('x.w.example.'), 3))).toBe('x.w.example.');
    expect(nameToText(signedOwner(nameFromText('*.w.example.'), 2))).toBe('*.w.example.');
  });
});
