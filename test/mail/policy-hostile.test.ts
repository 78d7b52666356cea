/**
 * Hostile policy TXT records (rule 3: a clear answer, never a crash or a
 * hang): a record near the 65,535-octet RDATA limit made of long white-space
 * runs is read to the same answer as its short form.
 */
import { describe, expect, it } from 'vitest';
import { parseDkim } from '../../src/mail/policy/dkim.js';
import { parseDmarc } from '../../src/mail/policy/dmarc.js';
import { parseSpf } from '../../src/mail/policy/spf.js';
import { parseMtaSts, parseTlsRpt } from '../../src/mail/policy/sts.js';

const RUN = ' \t'.repeat(30_000);

describe('policy records with 60,000 octets of white space', () => {
  it('MTA-STS: white space inside a field is invalid however long (RFC 8461 §3.1)', () => {
    expect(parseMtaSts([`v=STSv1; id=a${RUN}b; x=y`]).id).toBeNull();
    expect(parseMtaSts([`v=STSv1;${RUN}id=abc${RUN};${RUN}`]).id).toBe('abc');
  });
  it('TLS-RPT: white space around the commas of rua= is allowed however long (RFC 8460 §3)', () => {
    expect(parseTlsRpt([`v=TLSRPTv1; rua=mailto:a@example.com${RUN},${RUN}https://r.example.com/`]).rua).toEqual(['mailto:a@example.com', 'https://r.example.com/']);
    expect(parseTlsRpt([`v=TLSRPTv1; rua=mailto:a@example.com${RUN}x`]).rua).toEqual([]);
  });
  it('DMARC: a rua= that is not a URI list does not make p=none (RFC 7489 §6.6.3)', () => {
    expect(parseDmarc([`v=DMARC1; rua=mailto:a@example.com${RUN}x`]).policy).toBeNull();
    expect(parseDmarc([`v=DMARC1; rua=mailto:a@example.com${RUN},${RUN}mailto:b@example.com`]).policy).toBe('none');
  });
  it('DKIM and SPF', () => {
    expect(parseDkim([`v=DKIM1; p=AAAA${RUN}BBBB`])).toMatchObject({ keyType: 'rsa', revoked: false, problems: [] });
    expect(parseSpf([`v=spf1 ${RUN} -all`]).record).not.toBeNull();
  });
});
