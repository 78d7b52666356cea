/**
 * DS records against DNSKEYs (RFC 4034 §5.1.4, §5.2; RFC 4509; RFC 6605 §2).
 */
import { bytesEqual } from '../wire/bytes.js';
import { type Name, nameToCanonicalWire } from '../wire/name.js';
import type { RR } from '../wire/message.js';
import { concat } from '../wire/message.js';
import { dsDigest, isSupportedDigestType, isSupportedAlgorithm, type CryptoOptions } from '../crypto/index.js';
import { dnskeyOf, type DsData, DNSKEY_FLAG_ZONE, DNSKEY_FLAG_REVOKE } from './records.js';

/**
 * Which DNSKEYs the DS set vouches for (RFC 4035 §5.2), with bounded work
 * (KeyTrap's DS variant: many DS × many keys sharing a tag): per DS at most
 * `maxKeysPerTag` keys with its tag and algorithm are hashed, and each key's
 * digest is computed once per digest type. Keys must be zone keys of
 * protocol 3 and not revoked (RFC 5011 §2.1: a revoked key is no trust point).
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
  const ownerWire = nameToCanonicalWire(owner);
  const digests = new Map<string, Uint8Array | undefined>();
  for (const ds of dsList) {
    if (!isSupportedDigestType(ds.digestType) || !isSupportedAlgorithm(ds.algorithm, crypto)) continue;
    let tried = 0;
    for (let i = 0; i < keys.length && tried < maxKeysPerTag; i++) {
      const rr = keys[i]!;
      const k = dnskeyOf(rr);
      if (!k || k.keyTag !== ds.keyTag || k.algorithm !== ds.algorithm) continue;
      if ((k.flags & DNSKEY_FLAG_ZONE) === 0 || (k.flags & DNSKEY_FLAG_REVOKE) !== 0 || k.protocol !== 3) continue;
      tried++;
      const memo = `${i}|${ds.digestType}`;
      if (!digests.has(memo)) digests.set(memo, dsDigest(ds.digestType, concat([ownerWire, rr.rdata])));
      const digest = digests.get(memo);
      if (digest && bytesEqual(digest, ds.digest)) {
        trusted.add(rr);
        matched.add(ds);
      }
    }
  }
  return { trusted, matched };
}
