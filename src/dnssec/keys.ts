/**
 * The DNSKEY flag rules, in one place (RFC 4034 §2.1.1, RFC 4035 §5.3.1,
 * RFC 5011 §2.1, §7). Everything that decides whether a key may vouch for
 * data asks here.
 */
import type { RR } from '../wire/message.js';
import { type DnskeyData, dnskeyOf, DNSKEY_FLAG_REVOKE, DNSKEY_FLAG_ZONE } from './records.js';

/** The only DNSKEY protocol value (RFC 4034 §2.1.2). */
export const DNSKEY_PROTOCOL = 3;

/**
 * RFC 4034 §2.1.1: "If bit 7 has value 0, then the DNSKEY record holds some
 * other type of DNS public key and MUST NOT be used to verify RRSIGs that
 * cover RRsets." RFC 4034 §2.1.2: the protocol field MUST be 3.
 */
export function isZoneKey(key: DnskeyData): boolean {
  return (key.flags & DNSKEY_FLAG_ZONE) !== 0 && key.protocol === DNSKEY_PROTOCOL;
}

/** RFC 5011 §2.1, §7: the REVOKE bit. */
export function isRevoked(key: DnskeyData): boolean {
  return (key.flags & DNSKEY_FLAG_REVOKE) !== 0;
}

/**
 * A key that may be a trust point (matched by a DS or a trust anchor): a
 * zone key that is not revoked (RFC 5011 §2.1: a revoked key is no trust
 * point; it may only sign its own DNSKEY RRset).
 */
export function isTrustableKey(key: DnskeyData): boolean {
  return isZoneKey(key) && !isRevoked(key);
}

/** isTrustableKey for a DNSKEY record (false when its RDATA cannot be read). */
export function isTrustableKeyRecord(rr: RR): boolean {
  const k = dnskeyOf(rr);
  return k !== undefined && isTrustableKey(k);
}
