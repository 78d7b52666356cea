/**
 * Typed views of the DNSSEC record types, read from raw RDATA octets
 * (RFC 4034 §2-§5, RFC 5155 §3). The views keep references to the original
 * bytes; nothing here is used to rebuild signed data.
 *
 * Each reader returns undefined for malformed RDATA: a record that cannot be
 * read is simply not usable, and the validator fails closed.
 */
import { type Name, readName, NameError } from '../wire/name.js';
import type { RR } from '../wire/message.js';

/** RFC 4034 §3.1: RRSIG RDATA. */
export interface RrsigData {
  readonly typeCovered: number;
  readonly algorithm: number;
  readonly labels: number;
  readonly originalTtl: number;
  /** Seconds since the epoch modulo 2^32 (RFC 4034 §3.1.5). */
  readonly expiration: number;
  readonly inception: number;
  readonly keyTag: number;
  readonly signerName: Name;
  readonly signature: Uint8Array;
  /** RDATA up to and including the signer's name (RFC 4034 §3.1.8.1: RRSIG_RDATA). */
  readonly signedPrefix: Uint8Array;
}

/** RFC 4034 §2.1: DNSKEY RDATA. */
export interface DnskeyData {
  readonly flags: number;
  readonly protocol: number;
  readonly algorithm: number;
  readonly publicKey: Uint8Array;
  readonly keyTag: number;
}

/** RFC 4034 §5.1: DS RDATA. */
export interface DsData {
  readonly keyTag: number;
  readonly algorithm: number;
  readonly digestType: number;
  readonly digest: Uint8Array;
}

/** RFC 4034 §4.1: NSEC RDATA. */
export interface NsecData {
  readonly nextName: Name;
  readonly types: TypeBitmap;
}

/** RFC 5155 §3.1: NSEC3 RDATA. */
export interface Nsec3Data {
  readonly hashAlgorithm: number;
  readonly flags: number;
  readonly iterations: number;
  readonly salt: Uint8Array;
  readonly nextHashed: Uint8Array;
  readonly types: TypeBitmap;
}

/** DNSKEY flag bits (RFC 4034 §2.1.1, RFC 5011 §7). */
export const DNSKEY_FLAG_ZONE = 0x0100;
export const DNSKEY_FLAG_REVOKE = 0x0080;
export const DNSKEY_FLAG_SEP = 0x0001;
/** NSEC3 Opt-Out flag (RFC 5155 §3.1.2.1). */
export const NSEC3_FLAG_OPT_OUT = 0x01;

/** A set of RR types, from an NSEC/NSEC3 type bitmap (RFC 4034 §4.1.2). */
export class TypeBitmap {
  private readonly types: Set<number>;
  constructor(types: Iterable<number>) {
    this.types = new Set(types);
  }
  has(type: number): boolean {
    return this.types.has(type);
  }
  list(): number[] {
    return [...this.types].sort((a, b) => a - b);
  }
}

/**
 * Reads a type bitmap (RFC 4034 §4.1.2): window blocks in increasing order,
 * each 1..32 octets. Returns undefined when malformed.
 */
export function readTypeBitmap(bytes: Uint8Array, start: number): TypeBitmap | undefined {
  const types: number[] = [];
  let pos = start;
  let lastWindow = -1;
  while (pos < bytes.length) {
    if (pos + 2 > bytes.length) return undefined;
    const window = bytes[pos]!;
    const len = bytes[pos + 1]!;
    if (window <= lastWindow || len < 1 || len > 32 || pos + 2 + len > bytes.length) return undefined;
    lastWindow = window;
    for (let i = 0; i < len; i++) {
      const b = bytes[pos + 2 + i]!;
      for (let bit = 0; bit < 8; bit++) {
        if (b & (0x80 >> bit)) types.push(window * 256 + i * 8 + bit);
      }
    }
    pos += 2 + len;
  }
  return new TypeBitmap(types);
}

function u16(b: Uint8Array, o: number): number {
  return (b[o]! << 8) | b[o + 1]!;
}

function u32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) >>> 0) + ((b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!);
}

function safeReadName(b: Uint8Array, o: number): { name: Name; end: number } | undefined {
  try {
    // RDATA here is already uncompressed; a pointer would have to point
    // backwards inside this RDATA only, which readName enforces.
    return readName(b, o);
  } catch (e) {
    if (e instanceof NameError) return undefined;
    throw e;
  }
}

/** An RRSIG's Type Covered field (RFC 4034 §3.1.1) alone, without reading the rest; undefined when too short. */
export function rrsigTypeCovered(rdata: Uint8Array): number | undefined {
  return rdata.length >= 2 ? u16(rdata, 0) : undefined;
}

export function readRrsig(rdata: Uint8Array): RrsigData | undefined {
  if (rdata.length < 19) return undefined;
  const signer = safeReadName(rdata, 18);
  if (!signer || signer.end > rdata.length) return undefined;
  return {
    typeCovered: u16(rdata, 0),
    algorithm: rdata[2]!,
    labels: rdata[3]!,
    originalTtl: u32(rdata, 4),
    expiration: u32(rdata, 8),
    inception: u32(rdata, 12),
    keyTag: u16(rdata, 16),
    signerName: signer.name,
    signature: rdata.subarray(signer.end),
    signedPrefix: rdata.subarray(0, signer.end),
  };
}

export function readDnskey(rdata: Uint8Array): DnskeyData | undefined {
  if (rdata.length < 4) return undefined;
  return {
    flags: u16(rdata, 0),
    protocol: rdata[2]!,
    algorithm: rdata[3]!,
    publicKey: rdata.subarray(4),
    keyTag: keyTag(rdata),
  };
}

export function readDs(rdata: Uint8Array): DsData | undefined {
  if (rdata.length < 5) return undefined;
  return { keyTag: u16(rdata, 0), algorithm: rdata[2]!, digestType: rdata[3]!, digest: rdata.subarray(4) };
}

export function readNsec(rdata: Uint8Array): NsecData | undefined {
  const next = safeReadName(rdata, 0);
  if (!next) return undefined;
  const types = readTypeBitmap(rdata, next.end);
  if (!types) return undefined;
  return { nextName: next.name, types };
}

export function readNsec3(rdata: Uint8Array): Nsec3Data | undefined {
  if (rdata.length < 5) return undefined;
  const saltLen = rdata[4]!;
  let pos = 5 + saltLen;
  if (pos + 1 > rdata.length) return undefined;
  const hashLen = rdata[pos]!;
  pos += 1;
  if (hashLen < 1 || pos + hashLen > rdata.length) return undefined;
  const nextHashed = rdata.subarray(pos, pos + hashLen);
  const types = readTypeBitmap(rdata, pos + hashLen);
  if (!types) return undefined;
  return {
    hashAlgorithm: rdata[0]!,
    flags: rdata[1]!,
    iterations: u16(rdata, 2),
    salt: rdata.subarray(5, 5 + saltLen),
    nextHashed,
    types,
  };
}

/**
 * Key tag (RFC 4034 Appendix B): the ones-complement-like sum over the DNSKEY
 * RDATA. Algorithm 1 (RSA/MD5) uses a different rule (B.1); it is unsupported
 * anyway, but computed correctly so tags still match.
 */
export function keyTag(dnskeyRdata: Uint8Array): number {
  if (dnskeyRdata.length >= 4 && dnskeyRdata[3] === 1) {
    // RFC 4034 B.1: the most significant 16 bits of the least significant 24 bits of the modulus.
    const n = dnskeyRdata.length;
    return n < 7 ? 0 : u16(dnskeyRdata, n - 3);
  }
  let ac = 0;
  for (let i = 0; i < dnskeyRdata.length; i++) ac += i & 1 ? dnskeyRdata[i]! : dnskeyRdata[i]! << 8;
  ac += (ac >>> 16) & 0xffff;
  return ac & 0xffff;
}

const rrsigCache = new WeakMap<Uint8Array, RrsigData | null>();
const dnskeyCache = new WeakMap<Uint8Array, DnskeyData | null>();

/** Memoised readers keyed by the RDATA buffer (one parse per record). */
export function rrsigOf(rr: RR): RrsigData | undefined {
  let v = rrsigCache.get(rr.rdata);
  if (v === undefined) {
    v = readRrsig(rr.rdata) ?? null;
    rrsigCache.set(rr.rdata, v);
  }
  return v ?? undefined;
}

export function dnskeyOf(rr: RR): DnskeyData | undefined {
  let v = dnskeyCache.get(rr.rdata);
  if (v === undefined) {
    v = readDnskey(rr.rdata) ?? null;
    dnskeyCache.set(rr.rdata, v);
  }
  return v ?? undefined;
}
