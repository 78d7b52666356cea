/** The policy TXT parsers (src/mail/policy/), by RFC section. */
import { describe, expect, it } from 'vitest';
import { parseDkim } from '../../src/mail/policy/dkim.js';
import { parseDmarc } from '../../src/mail/policy/dmarc.js';
import { parseSpf } from '../../src/mail/policy/spf.js';
import { parseMtaSts, parseTlsRpt } from '../../src/mail/policy/sts.js';

describe('SPF (RFC 7208)', () => {
  it('§4.5: the one record starting with v=spf1 is the record; other TXT records are ignored', () => {
    expect(parseSpf(['google-site-verification=x', 'v=spf1 mx -all'])).toEqual({ record: 'v=spf1 mx -all', problems: [] });
  });
  it('§4.5: two v=spf1 records are a permerror', () => {
    const r = parseSpf(['v=spf1 -all', 'V=SPF1 mx -all']);
    expect(r.record).toBeNull();
    expect(r.problems[0]).toMatch(/^permerror: 2 v=spf1 records \(RFC 7208 §4\.5\)/);
  });
  it('§4.5: v=spf10 is not an SPF record; none is no record and no problem', () => {
    expect(parseSpf(['v=spf10 -all'])).toEqual({ record: null, problems: [] });
  });
  it('§4.7: a record without "all" or redirect is flagged (default neutral)', () => {
    expect(parseSpf(['v=spf1 mx']).problems).toHaveLength(1);
  });
});

describe('DMARC (RFC 7489)', () => {
  it('§6.3: p= is the policy, tags are read', () => {
    const r = parseDmarc(['v=DMARC1; p=Reject; rua=mailto:a@example.com;']);
    expect([r.policy, r.tags['rua'], r.problems]).toEqual(['reject', 'mailto:a@example.com', []]);
  });
  it('§6.3, §6.6.3: no p= or an unknown policy is a problem, and no policy without a valid rua=', () => {
    expect(parseDmarc(['v=DMARC1; fo=1']).policy).toBeNull();
    expect(parseDmarc(['v=DMARC1; p=block']).problems[0]).toMatch(/p=block/);
  });
  it('§6.6.3: more than one DMARC record: no policy', () => {
    expect(parseDmarc(['v=DMARC1; p=none', 'v=DMARC1; p=reject']).policy).toBeNull();
  });
  it('§6.4: v must come first', () => {
    expect(parseDmarc(['p=reject; v=DMARC1']).record).toBeNull();
    expect(parseDmarc(['v=DMARC1;p=none;pct=150']).problems[0]).toMatch(/pct=150/);
  });
});

describe('MTA-STS (RFC 8461 §3.1) and TLS-RPT (RFC 8460 §3)', () => {
  it('reads id=, which must be 1-32 alphanumerics', () => {
    expect(parseMtaSts(['v=STSv1; id=20240101T000000;']).id).toBe('20240101T000000');
    expect(parseMtaSts(['v=STSv1; id=not-valid!']).id).toBeNull();
    expect(parseMtaSts(['v=STSv1;']).problems[0]).toMatch(/no id=/);
  });
  it('two STS records: no policy', () => {
    expect(parseMtaSts(['v=STSv1; id=a', 'v=STSv1; id=b']).record).toBeNull();
  });
  it('reads rua= as a comma-separated list of mailto: and https: URIs', () => {
    const r = parseTlsRpt(['v=TLSRPTv1; rua=mailto:a@example.com,https://r.example.com/x']);
    expect([r.rua, r.problems]).toEqual([['mailto:a@example.com', 'https://r.example.com/x'], []]);
    expect(parseTlsRpt(['v=TLSRPTv1; rua=ftp://x']).problems[0]).toMatch(/neither mailto: nor https:/);
    expect(parseTlsRpt(['v=TLSRPTv1;']).problems[0]).toMatch(/no rua=/);
  });
});

describe('DKIM key records (RFC 6376 §3.6.1)', () => {
  it('k= defaults to rsa; an empty p= is a revoked key', () => {
    expect(parseDkim(['v=DKIM1; p=MIIBIjAN'])).toMatchObject({ keyType: 'rsa', revoked: false, problems: [] });
    expect(parseDkim(['v=DKIM1; k=ed25519; p='])).toMatchObject({ keyType: 'ed25519', revoked: true });
  });
  it('v= must be DKIM1 and first; p= must be base64', () => {
    expect(parseDkim(['k=rsa; v=DKIM1; p=abc=']).problems[0]).toMatch(/first tag/);
    expect(parseDkim(['p=***']).problems[0]).toMatch(/not base64/);
  });
  it('no record with p=: no key', () => {
    expect(parseDkim(['hello'])).toMatchObject({ record: null, problems: [expect.stringMatching(/no DKIM key record/)] });
  });
});
