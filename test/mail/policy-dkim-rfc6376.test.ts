/**
 * DKIM key records (RFC 6376 §3.6.1): which TXT records count as "the" record and how it is read,
 * against the RFC text and ABNF (RFC 5234: "..." literals are
 * case-insensitive, %s"..." and %x.. are case-sensitive), with the RFC's own
 * example records where it has them.
 */
import { describe, expect, it } from 'vitest';
import { parseDkim } from '../../src/mail/policy/dkim.js';
import { readTxt } from '../../src/validator/typed.js';
import { txtRdata } from '../support/txt-rdata.js';

describe('the strings of one TXT record are concatenated without separators', () => {
  it.each([
    ['RFC 6376 §3.6.2.2', () => parseDkim([readTxt(txtRdata('v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo', '='))!.text]).keyType, 'ed25519'],
  ])('%s', (_rfc, read, expected) => {
    expect(read()).toEqual(expected);
  });
});

describe('DKIM key records (RFC 6376 §3.6.1)', () => {
  const RSA =
    'MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDwIRP/UC3SBsEmGqZ9ZJW3/DkMoGeLnQg1fWn7/zYtIxN2SnFCjxOCKG9v3b4jYfcTNh5ijSsq631uBItLa7od+v/RtdC2UzJ1lWT947qR+Rcac2gbto/NMqJ0fzfVjH4OuKhitdY9tf6mcwGjaNBcWToIMmPSPDdQPNUYckcQ2QIDAQAB';
  it('the RFC examples (RFC 6376 Appendix C, RFC 8463 §A.2)', () => {
    expect(parseDkim([`v=DKIM1; p=${RSA}`])).toMatchObject({ keyType: 'rsa', revoked: false, problems: [] });
    expect(parseDkim(['v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo='])).toMatchObject({ keyType: 'ed25519', revoked: false, problems: [] });
  });
  it('key-v-tag = %x76 [FWS] "=" [FWS] %x44.4B.49.4D.31: a record with another v= value is discarded', () => {
    const r = parseDkim(['v=dkim1; p=AAAA']);
    expect([r.record, r.keyType]).toEqual([null, null]);
    expect(r.problems[0]).toMatch(/v=dkim1/);
    expect(parseDkim(['v=DKIM2; p=AAAA', `v = DKIM1; p=${RSA}`])).toMatchObject({ record: `v = DKIM1; p=${RSA}`, keyType: 'rsa', problems: [] });
  });
  it('v= must be the first tag: otherwise the record is invalid (no usable key)', () => {
    const r = parseDkim([`k=rsa; v=DKIM1; p=${RSA}`]);
    expect([r.keyType, r.revoked]).toEqual([null, false]);
    expect(r.problems[0]).toMatch(/first tag/);
  });
  it('§3.2: a duplicate tag makes the whole tag-list invalid; tag names are case-sensitive', () => {
    expect(parseDkim([`v=DKIM1; p=${RSA}; p=`])).toMatchObject({ keyType: null, revoked: false });
    expect(parseDkim(['v=DKIM1; P=AAAA'])).toMatchObject({ keyType: null, problems: [expect.stringMatching(/no p= tag/)] });
  });
  it('p= base64string allows FWS inside; anything else is not base64 and no usable key', () => {
    expect(parseDkim(['v=DKIM1; p=MIGf MA0G\tCSqG']).problems).toEqual([]);
    expect(parseDkim(['v=DKIM1; p=***'])).toMatchObject({ keyType: null, revoked: false, problems: [expect.stringMatching(/not base64/)] });
  });
  it('§3.6.2.2, §6.1.2: several key records are flagged, and the first valid one is used', () => {
    const r = parseDkim(['v=DKIM1; p=***', `v=DKIM1; k=rsa; p=${RSA}`]);
    expect([r.record, r.keyType]).toEqual([`v=DKIM1; k=rsa; p=${RSA}`, 'rsa']);
    expect(r.problems).toEqual([expect.stringMatching(/2 key records: the results are undefined \(RFC 6376 §3\.6\.2\.2\)/)]);
  });
  it('s= service types: a record that lists neither email nor * is not a key for mail ("email" any case)', () => {
    expect(parseDkim([`v=DKIM1; s=tlsrpt; p=${RSA}`])).toMatchObject({ keyType: null, problems: [expect.stringMatching(/s= lists neither email nor \*/)] });
    expect(parseDkim([`v=DKIM1; s=tlsrpt : Email; p=${RSA}`])).toMatchObject({ keyType: 'rsa', problems: [] });
    expect(parseDkim([`v=DKIM1; s=*; p=${RSA}`])).toMatchObject({ keyType: 'rsa', problems: [] });
  });
  it('an empty p= is a revoked key', () => {
    expect(parseDkim(['v=DKIM1; k=rsa; p= '])).toMatchObject({ keyType: 'rsa', revoked: true, problems: [] });
  });
});
