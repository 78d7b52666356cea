/**
 * DS records against DNSKEYs (RFC 4034 §5.1.4, §5.2; RFC 4509; RFC 6605 §2).
 */
import { bytesEqual } from '../wire/bytes.js';
import { type Name, nameToCanonicalWire } from '../wire/name.js';
import type { RR } from '../wire/message.js';
import { concat } from '../wire/message.js';
import { dsDigest, isSupportedDigestType, isSupportedAlgorithm, type CryptoOptions } from '../crypto/index.js';
import { readDs, dnskeyOf, type DsData } from './records.js';

export type DsMatch = 'match' | 'mismatch' | 'unsupported-digest' | 'unsupported-algorithm';


/**
 * RFC 4034 §5.1.4: digest = digest_algorithm(DNSKEY owner name | DNSKEY RDATA),
 * the owner in canonical form. Key tag and algorithm must agree too.
 */
export function dsMatchesKey(ds: DsData, key: RR, owner: Name, crypto?: CryptoOptions): DsMatch {
  if (!isSupportedDigestType(ds.digestType)) return 'unsupported-digest';
  if (!isSupportedAlgorithm(ds.algorithm, crypto)) return 'unsupported-algorithm';
  const k = dnskeyOf(key);
  if (!k || k.keyTag !== ds.keyTag || k.algorithm !== ds.algorithm) return 'mismatch';
  const digest = dsDigest(ds.digestType, concat([nameToCanonicalWire(owner), key.rdata]));
  return digest && bytesEqual(digest, ds.digest) ? 'match' : 'mismatch';
}

/** The DS records whose digest type and algorithm this validator supports (RFC 6840 §5.2). */
export function supportedDs(dsRRs: readonly RR[], crypto?: CryptoOptions): DsData[] {
  const out: DsData[] = [];
  for (const rr of dsRRs) {
    const ds = readDs(rr.rdata);
    if (ds && isSupportedDigestType(ds.digestType) && isSupportedAlgorithm(ds.algorithm, crypto)) out.push(ds);
  }
  return out;
}
