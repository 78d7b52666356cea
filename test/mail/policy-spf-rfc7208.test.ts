/**
 * SPF records (RFC 7208): which TXT records count as "the" record and how it is read,
 * against the RFC text and ABNF (RFC 5234: "..." literals are
 * case-insensitive, %s"..." and %x.. are case-sensitive), with the RFC's own
 * example records where it has them.
 */
import { describe, expect, it } from 'vitest';
import { parseSpf } from '../../src/mail/policy/spf.js';
import { readTxt } from '../../src/validator/typed.js';
import { txtRdata } from '../support/txt-rdata.js';

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

describe('SPF term syntax (RFC 7208 §4.6, §12): a syntax error anywhere is a permerror', () => {
  it.each([
    'v=spf1 +all',
    'v=spf1 a -all',
    'v=spf1 a:example.org -all',
    'v=spf1 mx mx:example.org -all',
    'v=spf1 mx/30 mx:example.org/30 -all',
    'v=spf1 ptr -all',
    'v=spf1 ip4:192.0.2.128/28 -all',
    'v=spf1 ip6:2001:db8::/32 ~all',
    'v=spf1 a//64 a:example.org/24//96 -all',
    'v=spf1 include:_spf.%{d} exists:%{ir}.%{l1r+-}._spf.%{d} -all',
    'v=spf1 -all exp=explain._spf.%{d}',
    'v=spf1 redirect=_spf.example.com',
    'v=spf1 -all foo-bar=anything.%%',
  ])('the RFC examples and valid terms: %s', (text) => {
    expect(parseSpf([text])).toEqual({ record: text, problems: [] });
  });
  it.each([
    ['v=spf1 mx -al', /"-al" is not a mechanism or modifier/],
    ['v=spf1 +redirect=x.example -all', /"\+redirect=x\.example" is not a mechanism or modifier/],
    ['v=spf1 include -all', /"include" is not a mechanism or modifier/],
    ['v=spf1 ip4:192.0.2.300 -all', /"ip4:192\.0\.2\.300"/],
    ['v=spf1 ip4:192.0.2.0/33 -all', /"ip4:192\.0\.2\.0\/33"/],
    ['v=spf1 ip4:192.0.2.0/024 -all', /"ip4:192\.0\.2\.0\/024"/],
    ['v=spf1 ip6:2001:db8::/129 -all', /"ip6:2001:db8::\/129"/],
    ['v=spf1 ip6:192.0.2.1 -all', /"ip6:192\.0\.2\.1"/],
    ['v=spf1 a:example.%{x} -all', /"a:example\.%\{x\}"/],
    ['v=spf1 redirect=a.example redirect=b.example', /redirect= appears 2 times \(RFC 7208 §6\)/],
    ['v=spf1 -all exp=a.example exp=b.example', /exp= appears 2 times/],
  ])('%s: permerror', (text, why) => {
    const r = parseSpf([text]);
    expect(r.record).toBe(text);
    expect(r.problems[0]).toMatch(/^permerror: /);
    expect(r.problems[0]).toMatch(why);
  });
});
