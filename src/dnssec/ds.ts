/**
 * DS records against DNSKEYs, in one place: which DS records count, and which
 * DNSKEYs a DS set (or a trust anchor) makes trusted (RFC 4034 §5.1.4, §5.2;
 * RFC 4035 §5.2; RFC 4509 §3; RFC 6840 §5.2).
 */
import { bytesEqual } from '../wire/bytes.js';
import { type Name, nameToCanonicalWire } from '../wire/name.js';
import type { RR } from '../wire/message.js';
import { concat } from '../wire/message.js';
import { dsDigest, isSupportedDigestType, isSupportedAlgorithm, type CryptoOptions } from '../crypto/index.js';
import { dnskeyOf, type DsData } from './records.js';
import { isTrustableKey } from './keys.js';

/** RFC 4509 §3 / RFC 4034 Appendix A.2: digest type 1 is SHA-1. */
const DIGEST_SHA1 = 1;

/**
 * The DS records that take part in validation:
 * - RFC 6840 §5.2: only those with a supported algorithm and digest type
 *   (none left: the delegation is insecure, not bogus);
 * - RFC 4509 §3: SHA-1 DS records are ignored when SHA-256 (or stronger)
 *   ones are present, so a downgrade to SHA-1 cannot be forced.
 */
export function usableDs(dsList: readonly DsData[], crypto?: CryptoOptions): DsData[] {
  const supported = dsList.filter((d) => isSupportedDigestType(d.digestType) && isSupportedAlgorithm(d.algorithm, crypto));
  const strong = supported.filter((d) => d.digestType !== DIGEST_SHA1);
  return strong.length > 0 ? strong : supported;
}

/**
 * RFC 4034 §5.1.4: digest = digest_algorithm(DNSKEY owner name | DNSKEY
 * RDATA), the owner in canonical form (lower case, RFC 4034 §6.2).
 * Undefined for an unsupported digest type.
 */
export function dsDigestOf(owner: Name, dnskeyRdata: Uint8Array, digestType: number): Uint8Array | undefined {
  return dsDigest(digestType, concat([nameToCanonicalWire(owner), dnskeyRdata]));
}

/**
 * Which DNSKEYs the DS set vouches for (RFC 4035 §5.2), with bounded work
 * (KeyTrap's DS variant: many DS × many keys sharing a tag): per DS at most
 * `maxKeysPerTag` keys with its tag and algorithm are hashed, and each key's
 * digest is computed once per digest type. Keys must be trustable: zone keys
 * of protocol 3, not revoked (RFC 5011 §2.1: a revoked key is no trust point).
 */
export function matchDsToKeys(
  dsList: readonly DsData[],
  keys: readonly RR[],
  owner: Name,
  maxKeysPerTag: number,
  crypto?: CryptoOptions,
): { trusted: Set<RR>; matched: Set<DsData> } {
  const trusted = new Set<RR>();
  const matched = new Set<DsData>();
  const digests = new Map<string, Uint8Array | undefined>();
  for (const ds of dsList) {
    if (!isSupportedDigestType(ds.digestType) || !isSupportedAlgorithm(ds.algorithm, crypto)) continue;
    let tried = 0;
    for (let i = 0; i < keys.length && tried < maxKeysPerTag; i++) {
      const rr = keys[i]!;
      const k = dnskeyOf(rr);
      if (!k || k.keyTag !== ds.keyTag || k.algorithm !== ds.algorithm) continue;
      if (!isTrustableKey(k)) continue;
      tried++;
      const memo = `${i}|${ds.digestType}`;
      if (!digests.has(memo)) digests.set(memo, dsDigestOf(owner, rr.rdata, ds.digestType));
      const digest = digests.get(memo);
      if (digest && bytesEqual(digest, ds.digest)) {
        trusted.add(rr);
        matched.add(ds);
      }
    }
  }
  return { trusted, matched };
}

/**
 * DS → trusted DNSKEYs, the one rule for delegations and trust anchors
 * (RFC 4035 §5.2, §4.4): a key of the zone's DNSKEY RRset is trusted when a
 * usable DS matches it, or when it is, octet for octet, a DNSKEY trust
 * anchor; either way it must be a trustable key. The RRset itself is
 * authentic only once a trusted key's RRSIG over it verifies (the caller).
 */
export function trustedKeys(
  usable: readonly DsData[],
  anchorKeys: readonly RR[],
  keyset: readonly RR[],
  owner: Name,
  maxKeysPerTag: number,
  crypto?: CryptoOptions,
): { trusted: Set<RR>; matched: Set<DsData> } {
  const out = matchDsToKeys(usable, keyset, owner, maxKeysPerTag, crypto);
  for (const rr of keyset) {
    const k = dnskeyOf(rr);
    if (k && isTrustableKey(k) && anchorKeys.some((a) => bytesEqual(a.rdata, rr.rdata))) out.trusted.add(rr);
  }
  return out;
}
