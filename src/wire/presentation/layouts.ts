/**
 * The presentation layout of each RR type's RDATA (see rdata.ts for the
 * RFCs) and the DNSSEC algorithm mnemonics.
 */
import { RRType } from '../rrtype.js';

/**
 * Field kinds. Those marked "rest" take all remaining tokens and must come last.
 *  u8/u16/u32: decimal; period: u32 that also takes TTL units (SOA timers);
 *  alg: u8 or a DNSSEC algorithm mnemonic (RFC 4034 App. A.1);
 *  type: an RR type mnemonic (RRSIG type covered); time: RRSIG time (RFC 4034 §3.2);
 *  name: a domain name; a / aaaa: addresses;
 *  string: one <character-string>; strings (rest): one or more of them (TXT);
 *  text (rest): one string with no length octet (CAA value, URI target);
 *  tag: CAA tag, a length octet then letters/digits (RFC 8659 §4.1);
 *  base64 / hex (rest): may be split over several tokens;
 *  salt: "-" or hex, with a length octet (RFC 5155 §3.3);
 *  hash32: base32hex with a length octet (RFC 5155 §3.3);
 *  bitmap (rest): type bit maps (RFC 4034 §4.1.2), possibly empty.
 */
export type FieldKind =
  | 'u8' | 'u16' | 'u32' | 'period' | 'alg' | 'type' | 'time' | 'name' | 'a' | 'aaaa'
  | 'string' | 'strings' | 'text' | 'tag' | 'base64' | 'hex' | 'salt' | 'hash32' | 'bitmap';

const T = RRType;
const DS_LAYOUT: readonly FieldKind[] = ['u16', 'alg', 'u8', 'hex'];
const DNSKEY_LAYOUT: readonly FieldKind[] = ['u16', 'u8', 'alg', 'base64'];
const RRSIG_LAYOUT: readonly FieldKind[] = ['type', 'alg', 'u8', 'u32', 'time', 'time', 'u16', 'name', 'base64'];
const TLSA_LAYOUT: readonly FieldKind[] = ['u8', 'u8', 'u8', 'hex'];

export const LAYOUTS: ReadonlyMap<number, readonly FieldKind[]> = new Map<number, readonly FieldKind[]>([
  [T.A, ['a']],
  [T.AAAA, ['aaaa']],
  ...[T.NS, T.MD, T.MF, T.CNAME, T.MB, T.MG, T.MR, T.PTR, T.DNAME].map((t): [number, FieldKind[]] => [t, ['name']]),
  [T.SOA, ['name', 'name', 'u32', 'period', 'period', 'period', 'period']],
  ...[T.MX, T.KX, T.AFSDB, T.RT].map((t): [number, FieldKind[]] => [t, ['u16', 'name']]),
  [T.PX, ['u16', 'name', 'name']],
  [T.MINFO, ['name', 'name']],
  [T.RP, ['name', 'name']],
  [T.TXT, ['strings']],
  [T.SPF, ['strings']],
  [T.HINFO, ['string', 'string']],
  [T.SRV, ['u16', 'u16', 'u16', 'name']],
  [T.NAPTR, ['u16', 'u16', 'string', 'string', 'string', 'name']],
  [T.CAA, ['u8', 'tag', 'text']],
  [T.URI, ['u16', 'u16', 'text']],
  [T.TLSA, TLSA_LAYOUT],
  [T.SMIMEA, TLSA_LAYOUT],
  [T.SSHFP, ['u8', 'u8', 'hex']],
  [T.DS, DS_LAYOUT],
  [T.CDS, DS_LAYOUT],
  [T.DLV, DS_LAYOUT],
  [T.TA, DS_LAYOUT],
  [T.DNSKEY, DNSKEY_LAYOUT],
  [T.CDNSKEY, DNSKEY_LAYOUT],
  [T.KEY, DNSKEY_LAYOUT],
  [T.RRSIG, RRSIG_LAYOUT],
  [T.SIG, RRSIG_LAYOUT],
  [T.NSEC, ['name', 'bitmap']],
  [T.NSEC3, ['u8', 'u8', 'u16', 'salt', 'hash32', 'bitmap']],
  [T.NSEC3PARAM, ['u8', 'u8', 'u16', 'salt']],
  [T.CSYNC, ['u32', 'u16', 'bitmap']],
  [T.OPENPGPKEY, ['base64']],
  [T.DHCID, ['base64']],
  [T.ZONEMD, ['u32', 'u8', 'u8', 'hex']],
]);

/** DNSSEC algorithm mnemonics (RFC 4034 App. A.1 and the IANA registry). */
export const ALGORITHM_MNEMONICS: ReadonlyMap<string, number> = new Map([
  ['RSAMD5', 1], ['DH', 2], ['DSA', 3], ['RSASHA1', 5], ['DSA-NSEC3-SHA1', 6], ['RSASHA1-NSEC3-SHA1', 7],
  ['RSASHA256', 8], ['RSASHA512', 10], ['ECC-GOST', 12], ['ECDSAP256SHA256', 13], ['ECDSAP384SHA384', 14],
  ['ED25519', 15], ['ED448', 16], ['INDIRECT', 252], ['PRIVATEDNS', 253], ['PRIVATEOID', 254],
]);

/** True when `type` has a type-specific presentation format here (else only "\#"). */
export function hasTextFormat(type: number): boolean {
  return LAYOUTS.has(type);
}
