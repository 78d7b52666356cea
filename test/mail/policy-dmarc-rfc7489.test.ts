/**
 * DMARC records (RFC 7489): which TXT records count as "the" record and how it is read,
 * against the RFC text and ABNF (RFC 5234: "..." literals are
 * case-insensitive, %s"..." and %x.. are case-sensitive), with the RFC's own
 * example records where it has them.
 */
import { describe, expect, it } from 'vitest';
import { parseDmarc } from '../../src/mail/policy/dmarc.js';
import { readTxt } from '../../src/validator/typed.js';
import { txtRdata } from '../support/txt-rdata.js';

describe('the strings of one TXT record are concatenated without separators', () => {
  it.each([
    ['RFC 7489 §6.1', () => parseDmarc([readTxt(txtRdata('v=DMARC1; p=re', 'ject'))!.text]).policy, 'reject'],
  ])('%s', (_rfc, read, expected) => {
    expect(read()).toEqual(expected);
  });
});

describe('DMARC (RFC 7489)', () => {
  it('Appendix B.2: the RFC example records', () => {
    const b21 = parseDmarc(['v=DMARC1; p=none; rua=mailto:dmarc-feedback@example.com']);
    expect([b21.policy, b21.problems]).toEqual(['none', []]);
    const b24 = parseDmarc(['v=DMARC1; p=quarantine; rua=mailto:dmarc-feedback@example.com,mailto:tld-test@thirdparty.example.net!10m; pct=25']);
    expect([b24.policy, b24.tags['pct'], b24.problems]).toEqual(['quarantine', '25', []]);
  });
  it('§6.4: dmarc-version = "v" *WSP "=" *WSP %x44 %x4d %x41 %x52 %x43 %x31: "v" any case, white space around "=", DMARC1 exact', () => {
    expect(parseDmarc(['V = DMARC1 ; p=reject']).policy).toBe('reject');
    expect(parseDmarc(['v=dmarc1; p=reject'])).toMatchObject({ record: null, policy: null });
    expect(parseDmarc(['v=Dmarc1; p=reject']).record).toBeNull();
  });
  it('§6.4: dmarc-sep follows the version: "v=DMARC1 p=reject" is not a DMARC record', () => {
    expect(parseDmarc(['v=DMARC1 p=reject']).record).toBeNull();
    expect(parseDmarc([' v=DMARC1; p=reject']).record).toBeNull();
  });
  it('§6.6.3 step 2: a record that is not v=DMARC1 is discarded before counting', () => {
    expect(parseDmarc(['v=DMARC1; p=reject', 'v=dmarc1; p=none']).policy).toBe('reject');
    expect(parseDmarc(['v=DMARC1; p=reject', 'v=DMARC1 ; p=none']).policy).toBeNull();
  });
  it('§6.6.3 step 6: no valid p= (or an invalid sp=) with a valid rua=: act as p=none', () => {
    const noP = parseDmarc(['v=DMARC1; rua=mailto:d@example.com']);
    expect(noP.policy).toBe('none');
    expect(noP.problems.join(' ')).toMatch(/p=none \(RFC 7489 §6\.6\.3\)/);
    expect(parseDmarc(['v=DMARC1; p=block; rua=mailto:d@example.com']).policy).toBe('none');
    expect(parseDmarc(['v=DMARC1; p=reject; sp=bogus; rua=mailto:d@example.com']).policy).toBe('none');
  });
  it('§6.6.3 step 6: no valid p= (or an invalid sp=) and no valid rua=: no policy', () => {
    expect(parseDmarc(['v=DMARC1; p=block']).policy).toBeNull();
    expect(parseDmarc(['v=DMARC1; p=reject; sp=bogus']).policy).toBeNull();
    expect(parseDmarc(['v=DMARC1; p=block; rua=not a uri']).policy).toBeNull();
  });
  it('§6.4: tag names and policy values are literals (any case)', () => {
    expect(parseDmarc(['v=DMARC1; P=Quarantine; SP=none']).policy).toBe('quarantine');
  });
  it('§6.3, §6.4: p= must follow v=; later it is flagged, the policy still read', () => {
    const r = parseDmarc(['v=DMARC1; rua=mailto:d@example.com; p=reject']);
    expect(r.policy).toBe('reject');
    expect(r.problems).toEqual([expect.stringMatching(/p= is not the tag after v= \(RFC 7489 §6\.3, §6\.4/)]);
  });
  it('RFC 6376 §3.2 (the tag-value syntax of §6.3): a duplicate p= is not a valid p=', () => {
    expect(parseDmarc(['v=DMARC1; p=none; p=reject']).policy).toBeNull();
    expect(parseDmarc(['v=DMARC1; p=none; P=reject; rua=mailto:d@example.com']).policy).toBe('none');
  });
  it('§6.4: dmarc-percent = 1*3DIGIT, at most 100 (§6.3)', () => {
    expect(parseDmarc(['v=DMARC1; p=none; pct=050']).problems).toEqual([]);
    expect(parseDmarc(['v=DMARC1; p=none; pct=0']).problems).toEqual([]);
    expect(parseDmarc(['v=DMARC1; p=none; pct=101']).problems[0]).toMatch(/pct=101/);
    expect(parseDmarc(['v=DMARC1; p=none; pct=1000']).problems[0]).toMatch(/pct=1000/);
    expect(parseDmarc(['v=DMARC1; p=none; pct=-1']).problems[0]).toMatch(/pct=-1/);
  });
});
