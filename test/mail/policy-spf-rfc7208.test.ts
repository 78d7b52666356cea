/**
 * SPF records (RFC 7208): which TXT records count as "the" record and how it is read,
 * against the RFC text and ABNF (RFC 5234: "..." literals are
 * case-insensitive, %s"..." and %x.. are case-sensitive), with the RFC's own
 * example records where it has them.
 */
import { describe, expect, it } from 'vitest';
import { parseSpf } from '../../src/mail/policy/spf.js';
import { readTxt } from '../../src/validator/typed.js';

/** TXT RDATA of the given character-strings (RFC 1035 §3.3.14). */
function txtRdata(...strings: string[]): Uint8Array {
  const parts = strings.map((s) => Buffer.from(s, 'latin1'));
  return Uint8Array.from(parts.flatMap((b) => [b.length, ...b]));
}

describe('the strings of one TXT record are concatenated without separators', () => {
  it.each([
    ['RFC 7208 §3.3', () => parseSpf([readTxt(txtRdata('v=spf1 mx ', '-all'))!.text]).record, 'v=spf1 mx -all'],
  ])('%s', (_rfc, read, expected) => {
    expect(read()).toEqual(expected);
  });
});

describe('SPF (RFC 7208)', () => {
  it('§12: version = "v=spf1" is a case-insensitive literal', () => {
    expect(parseSpf(['V=SPF1 -all']).record).toBe('V=SPF1 -all');
  });
  it('§4.5: the version section ends at SP or the end of the record; "v=spf1" alone is a record', () => {
    expect(parseSpf(['v=spf1']).record).toBe('v=spf1');
    expect(parseSpf(['v=spf1\t-all']).record).toBeNull();
    expect(parseSpf([' v=spf1 -all']).record).toBeNull();
    expect(parseSpf(['spf: v=spf1 -all']).record).toBeNull();
  });
  it('§4.5: only records that begin with the version count towards "more than one"', () => {
    expect(parseSpf(['verification v=spf1 -all', 'v=spf1 mx -all'])).toEqual({ record: 'v=spf1 mx -all', problems: [] });
  });
  it('§5.1, §6.2: "all" followed by a modifier is still "all" (the RFC\'s exp= example)', () => {
    expect(parseSpf(['v=spf1 mx -all exp=explain._spf.%{d}']).problems).toEqual([]);
    expect(parseSpf(['v=spf1 +mx a:colo.example.com/28 -all']).problems).toEqual([]);
    expect(parseSpf(['v=spf1 redirect=_spf.example.com']).problems).toEqual([]);
  });
  it('§4.7: "allow" is not "all"', () => {
    expect(parseSpf(['v=spf1 include:allow.example -allx']).problems).toHaveLength(1);
  });
});
