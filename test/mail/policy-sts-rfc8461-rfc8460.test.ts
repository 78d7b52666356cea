/**
 * MTA-STS (RFC 8461 §3.1) and TLS-RPT (RFC 8460 §3) records: which TXT
 * records count as "the" record and how it is read, against the RFC text
 * and ABNF (RFC 5234: "..." literals are
 * case-insensitive, %s"..." and %x.. are case-sensitive), with the RFC's own
 * example records where it has them.
 */
import { describe, expect, it } from 'vitest';
import { parseMtaSts, parseTlsRpt } from '../../src/mail/policy/sts.js';
import { readTxt } from '../../src/validator/typed.js';
import { txtRdata } from '../support/txt-rdata.js';

describe('the strings of one TXT record are concatenated without separators', () => {
  it.each([
    ['RFC 8461 §3.1', () => parseMtaSts([readTxt(txtRdata('v=STSv1; id=2016', '0831085700Z'))!.text]).id, '20160831085700Z'],
    ['RFC 8460 §3', () => parseTlsRpt([readTxt(txtRdata('v=TLSRPTv1; rua=mailto:re', 'ports@example.com'))!.text]).rua, ['mailto:reports@example.com']],
  ])('%s', (_rfc, read, expected) => {
    expect(read()).toEqual(expected);
  });
});

describe('MTA-STS (RFC 8461 §3.1)', () => {
  it('the RFC example record', () => {
    expect(parseMtaSts(['v=STSv1; id=20160831085700Z;'])).toEqual({ record: 'v=STSv1; id=20160831085700Z;', id: '20160831085700Z', problems: [] });
  });
  it('sts-version = %s"v=STSv1": case-sensitive, a record of another case is discarded', () => {
    expect(parseMtaSts(['v=stsv1; id=abc'])).toEqual({ record: null, id: null, problems: [] });
    expect(parseMtaSts(['V=STSv1; id=abc']).record).toBeNull();
  });
  it('records that do not begin with "v=STSv1;" are discarded, then counted', () => {
    expect(parseMtaSts(['v=STSv1 id=abc']).record).toBeNull();
    expect(parseMtaSts(['v=STSv1']).record).toBeNull();
    expect(parseMtaSts(['v=STSv1; id=a', 'v=stsv1; id=b']).id).toBe('a');
    expect(parseMtaSts(['v=STSv1; id=a', 'v=STSv1;id=b']).id).toBeNull();
  });
  it('sts-field-delim = *WSP ";" *WSP: a lone record with white space before ";" is read, and flagged', () => {
    const r = parseMtaSts(['v=STSv1 ;id=abc']);
    expect(r.id).toBe('abc');
    expect(r.problems).toEqual([expect.stringMatching(/does not begin with "v=STSv1;"/)]);
  });
  it('among several TXT records one that does not begin exactly "v=STSv1;" is discarded', () => {
    expect(parseMtaSts(['v=STSv1 ;id=abc', 'site-verification=x'])).toEqual({ record: null, id: null, problems: [] });
  });
  it('sts-id = %s"id=" 1*32(ALPHA / DIGIT): no white space around "=", case-sensitive name, at most 32', () => {
    expect(parseMtaSts(['v=STSv1; id = abc']).id).toBeNull();
    expect(parseMtaSts(['v=STSv1; ID=abc']).id).toBeNull();
    expect(parseMtaSts([`v=STSv1; id=${'a'.repeat(32)}`]).id).toBe('a'.repeat(32));
    expect(parseMtaSts([`v=STSv1; id=${'a'.repeat(33)}`]).id).toBeNull();
  });
  it('a syntactically invalid record: no policy (id null), though its id= is well formed', () => {
    const r = parseMtaSts(['v=STSv1; id=abc; not a field']);
    expect(r.id).toBeNull();
    expect(r.problems.length).toBeGreaterThan(0);
    expect(parseMtaSts(['v=STSv1; id=abc; ext=a b']).id).toBeNull();
    expect(parseMtaSts(['v=STSv1; id=abc;; x=y']).id).toBeNull();
  });
  it('sts-extension: extension fields are allowed and ignored, whatever their name', () => {
    expect(parseMtaSts(['v=STSv1; id=abc; ext_1.x=val;'])).toMatchObject({ id: 'abc', problems: [] });
    expect(parseMtaSts(['v=STSv1; id=abc; constructor=x; toString=y; hasOwnProperty=z'])).toMatchObject({ id: 'abc', problems: [] });
    expect(parseTlsRpt(['v=TLSRPTv1; rua=mailto:a@example.com; constructor=x; valueOf=y'])).toMatchObject({ rua: ['mailto:a@example.com'], problems: [] });
  });
});

describe('TLS-RPT (RFC 8460 §3)', () => {
  it('the RFC example records', () => {
    expect(parseTlsRpt(['v=TLSRPTv1; rua=mailto:reports@example.com'])).toMatchObject({ rua: ['mailto:reports@example.com'], problems: [] });
    expect(parseTlsRpt(['v=TLSRPTv1; rua=https://reporting.example.com/v1/tlsrpt'])).toMatchObject({ rua: ['https://reporting.example.com/v1/tlsrpt'], problems: [] });
  });
  it('tlsrpt-version = %s"v=TLSRPTv1": case-sensitive, and the record begins "v=TLSRPTv1;"', () => {
    expect(parseTlsRpt(['v=tlsrptv1; rua=mailto:a@example.com'])).toEqual({ record: null, rua: [], problems: [] });
    expect(parseTlsRpt(['v=TLSRPTv1 rua=mailto:a@example.com']).record).toBeNull();
    expect(parseTlsRpt(['v=TLSRPTv1 ; rua=mailto:a@example.com', 'x']).record).toBeNull();
    expect(parseTlsRpt(['v=TLSRPTv1 ; rua=mailto:a@example.com']).rua).toEqual(['mailto:a@example.com']);
  });
  it('one trailing delimiter is allowed; white space at the end without one is not', () => {
    expect(parseTlsRpt(['v=TLSRPTv1; rua=mailto:a@example.com ; ']).problems).toEqual([]);
    expect(parseTlsRpt(['v=TLSRPTv1; rua=mailto:a@example.com ']).rua).toEqual([]);
  });
  it('several "v=TLSRPTv1;" records: the domain does not implement TLSRPT; other records do not count', () => {
    expect(parseTlsRpt(['v=TLSRPTv1; rua=mailto:a@example.com', 'v=TLSRPTv1; rua=mailto:b@example.com'])).toMatchObject({ record: null, rua: [] });
    expect(parseTlsRpt(['v=TLSRPTv1; rua=mailto:a@example.com', 'v=tlsrptv1; rua=mailto:b@example.com']).rua).toEqual(['mailto:a@example.com']);
  });
  it('tlsrpt-rua = %s"rua=" URI *(*WSP "," *WSP URI)', () => {
    expect(parseTlsRpt(['v=TLSRPTv1; rua=mailto:a@example.com , https://r.example.com/x']).rua).toEqual(['mailto:a@example.com', 'https://r.example.com/x']);
    expect(parseTlsRpt(['v=TLSRPTv1; rua = mailto:a@example.com'])).toMatchObject({ rua: [], problems: expect.arrayContaining([expect.stringMatching(/not name=value without white space/)]) });
    expect(parseTlsRpt(['v=TLSRPTv1; RUA=mailto:a@example.com']).rua).toEqual([]);
  });
  it('a rua that is not a URI (no scheme, an unencoded "!"): the record is invalid, no reporting address', () => {
    expect(parseTlsRpt(['v=TLSRPTv1; rua=reports@example.com']).rua).toEqual([]);
    expect(parseTlsRpt(['v=TLSRPTv1; rua=mailto:a!b@example.com']).rua).toEqual([]);
  });
});
