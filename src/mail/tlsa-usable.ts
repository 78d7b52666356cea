/**
 * Which TLSA records an SMTP client may use (RFC 7672 §3.1,
 * RFC 6698 §2.1). Pure: one record in, usable or the reason it is not.
 */
import type { TlsaRecord } from '../validator/typed.js';
import type { TlsaJudged } from './types.js';

/** Octets of each digest matching type (RFC 6698 §2.1.3: 1 SHA-256, 2 SHA-512). */
const DIGEST_OCTETS: Readonly<Record<number, number>> = { 1: 32, 2: 64 };

function problemOf(r: TlsaRecord): string | null {
  if (r.usage === 0 || r.usage === 1) {
    return `usage ${r.usage} (${r.usage === 0 ? 'PKIX-TA' : 'PKIX-EE'}) is not usable for SMTP (RFC 7672 §3.1.3)`;
  }
  if (r.usage !== 2 && r.usage !== 3) return `unknown usage ${r.usage} (RFC 7672 §3.1, RFC 6698 §2.1.1)`;
  if (r.selector !== 0 && r.selector !== 1) return `unknown selector ${r.selector} (RFC 7672 §3.1, RFC 6698 §2.1.2)`;
  if (r.matchingType !== 0 && r.matchingType !== 1 && r.matchingType !== 2) {
    return `unknown matching type ${r.matchingType} (RFC 7672 §3.1, RFC 6698 §2.1.3)`;
  }
  const octets = r.data.length / 2;
  const want = DIGEST_OCTETS[r.matchingType];
  if (want !== undefined && octets !== want) {
    return `matching type ${r.matchingType} (${r.matchingType === 1 ? 'SHA-256' : 'SHA-512'}) needs ${want} octets, not ${octets} (RFC 6698 §2.1.3; unusable, RFC 7672 §3.1)`;
  }
  if (r.matchingType === 0 && octets === 0) return 'empty certificate association data (RFC 6698 §2.1.4)';
  return null;
}

/**
 * A TLSA RDATA too short to hold usage, selector and matching type (RFC 6698
 * §2.1): still a record of the RRset, so unusable (RFC 7672 §3.1), never
 * dropped (a secure RRset of only such records is not "no TLSA records").
 */
export function judgeMalformedTlsa(rdata: Uint8Array): TlsaJudged {
  return {
    usage: rdata[0] ?? -1,
    selector: rdata[1] ?? -1,
    matchingType: -1,
    data: Buffer.from(rdata).toString('hex'),
    usable: false,
    problem: `malformed: RDATA of ${rdata.length} octet${rdata.length === 1 ? '' : 's'} is shorter than 3 octets (RFC 6698 §2.1; unusable, RFC 7672 §3.1)`,
  };
}

/** Judges one TLSA record: usable for DANE SMTP or not, with the reason. */
export function judgeTlsa(r: TlsaRecord): TlsaJudged {
  const problem = problemOf(r);
  return { usage: r.usage, selector: r.selector, matchingType: r.matchingType, data: r.data, usable: problem === null, problem };
}
