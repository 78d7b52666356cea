/**
 * The DANE verdict for one SMTP server (RFC 7672), as a pure function of
 * looked-up facts: the MX RRset's status, the host's address lookups and the
 * TLSA lookups in the order RFC 7672 §2.2.3 tries them. No I/O here.
 *
 *   do-not-deliver  a bogus or failed address or TLSA lookup (§2.1.1, §2.1.2):
 *                   the host must not be used; with no other host, defer.
 *                   Also a host without any A or AAAA record (RFC 5321
 *                   §5.1): nothing to connect to
 *   opportunistic   DANE does not apply: MX or addresses insecure (§2.2.1,
 *                   §2.2.3), TLSA insecure or securely absent (§2.2):
 *                   pre-DANE opportunistic TLS, cleartext allowed
 *   encrypt         a secure non-empty TLSA RRset whose records are all
 *                   unusable (§2.2, §3.1): TLS is mandatory (no cleartext),
 *                   authentication is not required (Postfix "encrypt")
 *   required        a secure TLSA RRset with a usable record (§2.2, §3.1):
 *                   authenticated TLS, no fallback to cleartext or to an
 *                   unauthenticated session
 */
import type { DaneVerdict, LookupStatus, TlsaJudged } from './types.js';

export interface TlsaCandidate {
  /** The TLSA name, `_25._tcp.<base domain>`. */
  readonly name: string;
  readonly status: LookupStatus;
  /** The records of a secure, insecure answer (empty for NXDOMAIN/NODATA, bogus, error). */
  readonly records: readonly TlsaJudged[];
}

export interface HostFacts {
  /** Status of the MX lookup the host came from (for the implicit MX: of the MX NODATA). */
  readonly mxStatus: LookupStatus;
  /** The weakest status of the host's A and AAAA lookups. */
  readonly addressStatus: LookupStatus;
  /** How many A and AAAA records the host has (0: NXDOMAIN or NODATA for both). */
  readonly addressCount: number;
  /**
   * TLSA lookups in order: the CNAME-expanded host name first when it
   * differs, then the original name (RFC 7672 §2.2.3; §2.2.2 for the
   * implicit MX).
   */
  readonly tlsa: readonly TlsaCandidate[];
}

export interface DaneDecision {
  readonly dane: DaneVerdict;
  readonly reason: string;
  readonly rfc: string;
  /** Index in `facts.tlsa` of the TLSA RRset the verdict rests on; -1 when none. */
  readonly tlsaIndex: number;
}

/** The rule of a host without addresses (RFC 5321 §5.1): not a DNSSEC failure. */
export const NO_ADDRESS_RFC = 'RFC 5321 §5.1';

function decision(dane: DaneVerdict, reason: string, rfc: string, tlsaIndex = -1): DaneDecision {
  return { dane, reason, rfc, tlsaIndex };
}

/** RFC 7672's verdict for one host. */
export function decideHost(facts: HostFacts): DaneDecision {
  if (facts.addressStatus === 'bogus') {
    return decision('do-not-deliver', 'address lookup is bogus: do not connect to this host; defer if no other host is usable', 'RFC 7672 §2.1.1');
  }
  if (facts.addressStatus === 'error') {
    return decision('do-not-deliver', 'address lookup failed: do not connect to this host; defer if no other host is usable', 'RFC 7672 §2.1.2');
  }
  if (facts.addressCount === 0) {
    return decision('do-not-deliver', 'no A or AAAA records (NXDOMAIN or NODATA): nothing to connect to; try the next host', NO_ADDRESS_RFC);
  }
  if (facts.mxStatus !== 'secure') {
    return decision('opportunistic', 'MX RRset is insecure: the host name is not authenticated, DANE is not applied (optional for an insecure MX)', 'RFC 7672 §2.2.1');
  }
  if (facts.addressStatus !== 'secure') {
    return decision('opportunistic', 'address records are insecure: TLSA records are not used', 'RFC 7672 §2.2.3');
  }
  let last: DaneDecision = decision('opportunistic', 'no TLSA lookup', 'RFC 7672 §2.2');
  for (const [i, c] of facts.tlsa.entries()) {
    if (c.status === 'bogus') return decision('do-not-deliver', `TLSA RRset ${c.name} is bogus: do not deliver to this host`, 'RFC 7672 §2.1.1', i);
    if (c.status === 'error') return decision('do-not-deliver', `TLSA lookup ${c.name} failed: do not deliver to this host`, 'RFC 7672 §2.1.2', i);
    if (c.status === 'secure' && c.records.length > 0) {
      const usable = c.records.filter((r) => r.usable).length;
      if (usable > 0) {
        return decision('required', `${usable} usable TLSA record${usable === 1 ? '' : 's'} at ${c.name}: authenticated TLS required, no fallback`, 'RFC 7672 §2.2, §3.1', i);
      }
      // §2.2: "Any connection to the MTA MUST be made via TLS, but authentication is not required."
      return decision('encrypt', `TLSA RRset ${c.name} is secure but has no usable record: TLS is mandatory (no cleartext), without authentication`, 'RFC 7672 §2.2, §3.1', i);
    }
    // Insecure, or securely absent: try the next base domain (§2.2.3), else no DANE.
    last =
      c.status === 'insecure'
        ? decision('opportunistic', `TLSA RRset ${c.name} is insecure: not used`, 'RFC 7672 §2.2', i)
        : decision('opportunistic', `no TLSA records at ${c.name} (securely absent)`, 'RFC 7672 §2.2', i);
  }
  return last;
}
