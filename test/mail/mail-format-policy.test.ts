/** The policy lines of the `mail` text report for records that hold no valid value (src/cli/mail-format.ts). */
import { describe, expect, it } from 'vitest';
import { formatMailText } from '../../src/cli/mail-format.js';
import { parseDkim } from '../../src/mail/policy/dkim.js';
import { parseDmarc } from '../../src/mail/policy/dmarc.js';
import { parseMtaSts, parseTlsRpt } from '../../src/mail/policy/sts.js';
import { parseSpf } from '../../src/mail/policy/spf.js';
import type { Lookup, MailReport } from '../../src/mail/types.js';

const lookup = (name: string, type: string): Lookup => ({ name, type, status: 'secure', rcode: 'NOERROR', expanded: name, data: [], reasons: [] });

function report(txt: { spf?: string[]; dmarc?: string[]; sts?: string[]; rpt?: string[]; dkim?: string[] }): MailReport {
  return {
    domain: 'example.',
    status: 'secure',
    summary: 'example.: test',
    mx: { status: 'secure', records: [], nullMx: true, implicit: false, lookup: lookup('example.', 'MX') },
    hosts: [],
    spf: { status: 'secure', ...parseSpf(txt.spf ?? []), lookup: lookup('example.', 'TXT') },
    dmarc: { status: 'secure', ...parseDmarc(txt.dmarc ?? []), lookup: lookup('_dmarc.example.', 'TXT') },
    mtaSts: { status: 'secure', ...parseMtaSts(txt.sts ?? []), lookup: lookup('_mta-sts.example.', 'TXT') },
    tlsRpt: { status: 'secure', ...parseTlsRpt(txt.rpt ?? []), lookup: lookup('_smtp._tls.example.', 'TXT') },
    dkim: [{ selector: 's1', status: 'secure', ...parseDkim(txt.dkim ?? []), lookup: lookup('s1._domainkey.example.', 'TXT') }],
  };
}

describe('mail text report: policy records without a valid value', () => {
  it('an invalid DKIM key record (RFC 6376 §6.1.2) shows k=?, never k=null', () => {
    const text = formatMailText(report({ dkim: ['v=DKIM1; p=***'] }));
    expect(text).toMatch(/^DKIM s1 +secure +k=\?$/m);
    expect(text).toMatch(/problem: p= is not base64/);
    expect(text).not.toMatch(/k=null/);
  });
  it('DMARC acting as p=none (RFC 7489 §6.6.3) and an invalid MTA-STS record (RFC 8461 §3.1) say so', () => {
    const text = formatMailText(report({ dmarc: ['v=DMARC1; rua=mailto:d@example.com'], sts: ['v=STSv1; id=a b'] }));
    expect(text).toMatch(/^DMARC +secure +p=none {2}v=DMARC1; rua=mailto:d@example.com$/m);
    expect(text).toMatch(/problem: .*acting as p=none \(RFC 7489 §6\.6\.3\)/);
    expect(text).toMatch(/^MTA-STS +secure +id=\? {2}v=STSv1; id=a b$/m);
  });
});
