/**
 * Where domain names sit inside RDATA, for the types that carry them.
 *
 * Used twice: to expand compression pointers when reading (RFC 3597 §4: the
 * RFC 1035 types MUST, and RP, AFSDB, RT, SIG, PX, NXT, NAPTR, SRV SHOULD be
 * decompressed on receipt), and to lowercase embedded names when building the
 * canonical form (RFC 4034 §6.2 item 3, as corrected by RFC 6840 §5.1: NSEC's
 * next-owner name is NOT lowercased; RRSIG's signer name is).
 *
 * A layout is the list of fields up to the last name; whatever follows is
 * opaque and copied as is. Fields: a number = that many fixed octets,
 * 'N' = a domain name, 'S' = a <character-string> (length octet + data).
 */
import { RRType } from './rrtype.js';

export type RdataField = number | 'N' | 'S';

export const RDATA_NAME_LAYOUT: ReadonlyMap<number, readonly RdataField[]> = new Map<number, readonly RdataField[]>([
  [RRType.NS, ['N']],
  [RRType.MD, ['N']],
  [RRType.MF, ['N']],
  [RRType.CNAME, ['N']],
  [RRType.SOA, ['N', 'N']],
  [RRType.MB, ['N']],
  [RRType.MG, ['N']],
  [RRType.MR, ['N']],
  [RRType.PTR, ['N']],
  [RRType.MINFO, ['N', 'N']],
  [RRType.MX, [2, 'N']],
  [RRType.RP, ['N', 'N']],
  [RRType.AFSDB, [2, 'N']],
  [RRType.RT, [2, 'N']],
  [RRType.SIG, [18, 'N']],
  [RRType.PX, [2, 'N', 'N']],
  [RRType.NXT, ['N']],
  [RRType.SRV, [6, 'N']],
  [RRType.NAPTR, [4, 'S', 'S', 'S', 'N']],
  [RRType.KX, [2, 'N']],
  [RRType.DNAME, ['N']],
  [RRType.RRSIG, [18, 'N']],
  [RRType.NSEC, ['N']],
]);

/**
 * Types whose embedded names are lowercased in canonical form:
 * RFC 4034 §6.2 item 3 minus NSEC (RFC 6840 §5.1). A6 is historic (RFC 6563)
 * and its prefix-dependent layout is not modelled; its RDATA stays opaque.
 */
export const LOWERCASE_RDATA_NAMES: ReadonlySet<number> = new Set(
  [...RDATA_NAME_LAYOUT.keys()].filter((t) => t !== RRType.NSEC),
);
