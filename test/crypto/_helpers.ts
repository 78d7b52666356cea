/**
 * Test helpers for the crypto tests: reading test/data vectors, a minimal presentation-format record reader (just
 * enough for the DNSKEY/DS/RRSIG/A/MX records of the RFC example files; the real parser lives in src/wire), the
 * RFC 4034 §3.1.8.1 signed-data builder, and key conversion from node:crypto.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { KeyObject } from 'node:crypto';
import { dnskeyPublicKeyFromJwk, type PublicJwk } from '../../src/crypto/index.js';
import { nameFromText, nameToCanonicalWire } from '../../src/wire/name.js';

export const BACKENDS = ['node', 'noble'] as const;

const DATA_DIR = fileURLToPath(new URL('../data/', import.meta.url));

/** Reads a file under test/data, failing with a clear message when it is absent. */
export function readShared(relative: string): string {
  const path = DATA_DIR + relative;
  if (!existsSync(path)) {
    throw new Error(`${path} is absent: these known-answer tests need the vectors at test/data (see test/data/README.md)`);
  }
  return readFileSync(path, 'utf8');
}

export interface PresentationRecord {
  readonly owner: string;
  readonly ttl: number;
  readonly type: string;
  readonly rdata: readonly string[];
}

/** Minimal zone-file reader (RFC 1035 §5.1): comments, parentheses, owner inheritance, optional TTL and class. */
export function readRecords(text: string): PresentationRecord[] {
  const out: PresentationRecord[] = [];
  let owner = '';
  let ttl = 0;
  let pending: string[] = [];
  let depth = 0;
  let startsWithBlank = false;
  for (const rawLine of text.split('\n')) {
    const line = rawLine.replace(/;.*$/, '');
    if (depth === 0) {
      if (line.trim() === '' || line.startsWith('$')) continue;
      startsWithBlank = /^\s/.test(line);
      pending = [];
    }
    for (const token of line.replace(/\(/g, ' ( ').replace(/\)/g, ' ) ').split(/\s+/)) {
      if (token === '(') depth++;
      else if (token === ')') depth--;
      else if (token !== '') pending.push(token);
    }
    if (depth > 0) continue;
    const tokens = [...pending];
    if (!startsWithBlank) owner = tokens.shift() ?? owner;
    while (tokens.length > 0 && (/^\d+$/.test(tokens[0]!) || tokens[0] === 'IN')) {
      const t = tokens.shift()!;
      if (t !== 'IN') ttl = Number(t);
    }
    const type = tokens.shift();
    if (type !== undefined) out.push({ owner, ttl, type, rdata: tokens });
  }
  return out;
}

export function base64(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'base64'));
}

export function hex(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

export function canonicalName(text: string): Uint8Array {
  return nameToCanonicalWire(nameFromText(text));
}

function u16(n: number): number[] {
  return [(n >> 8) & 0xff, n & 0xff];
}

function u32(n: number): number[] {
  return [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

/** RRSIG time field: YYYYMMDDHHmmSS (RFC 4034 §3.2) or plain seconds (as RFC 8080 writes them). */
export function rrsigTime(text: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text);
  if (m === null) return Number(text);
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  return Date.UTC(y, mo - 1, d, h, mi, s) / 1000;
}

const TYPE_CODE: Readonly<Record<string, number>> = { A: 1, NS: 2, MX: 15, DNSKEY: 48 };

/** Canonical RDATA (RFC 4034 §6.2) for the few types the vectors here sign. */
export function rdataWire(record: PresentationRecord): Uint8Array {
  switch (record.type) {
    case 'A':
      return Uint8Array.from(record.rdata[0]!.split('.').map(Number));
    case 'MX':
      return Uint8Array.from([...u16(Number(record.rdata[0])), ...canonicalName(record.rdata[1]!)]);
    case 'DNSKEY':
      return dnskeyRdata(Number(record.rdata[0]), Number(record.rdata[2]), base64(record.rdata.slice(3).join('')));
    default:
      throw new Error(`test helper cannot encode ${record.type}`);
  }
}

export function dnskeyRdata(flags: number, algorithm: number, publicKey: Uint8Array): Uint8Array {
  return Uint8Array.from([...u16(flags), 3, algorithm, ...publicKey]);
}

/** RFC 4034 Appendix B key tag (algorithms other than 1). */
export function keyTag(rdata: Uint8Array): number {
  let ac = 0;
  for (let i = 0; i < rdata.length; i++) ac += (i & 1) !== 0 ? rdata[i]! : rdata[i]! << 8;
  ac += (ac >> 16) & 0xffff;
  return ac & 0xffff;
}

export interface ParsedRrsig {
  readonly algorithm: number;
  readonly keyTag: number;
  readonly signature: Uint8Array;
  /** RFC 4034 §3.1.8.1: RRSIG RDATA fields before the signature, signer name in canonical form. */
  readonly rdataWithoutSignature: Uint8Array;
}

export function parseRrsig(record: PresentationRecord): ParsedRrsig {
  const [covered, alg, labels, origTtl, expiration, inception, tag, signer, ...sig] = record.rdata;
  const rdataWithoutSignature = Uint8Array.from([
    ...u16(TYPE_CODE[covered!]!),
    Number(alg),
    Number(labels),
    ...u32(Number(origTtl)),
    ...u32(rrsigTime(expiration!)),
    ...u32(rrsigTime(inception!)),
    ...u16(Number(tag)),
    ...canonicalName(signer!),
  ]);
  return { algorithm: Number(alg), keyTag: Number(tag), signature: base64(sig.join('')), rdataWithoutSignature };
}

/**
 * RFC 4034 §3.1.8.1 signed data: RRSIG_RDATA | RR(1) | RR(2)... with each RR as
 * owner | type | class IN | original TTL | RDLENGTH | RDATA, canonical form and order (RFC 4034 §6.2, §6.3).
 * (The vectors used here have single-RR RRsets or RRsets whose order is given, and no wildcard expansion.)
 */
export function signedData(rrsig: PresentationRecord, rrset: readonly PresentationRecord[]): Uint8Array {
  const parsed = parseRrsig(rrsig);
  const origTtl = Number(rrsig.rdata[3]);
  const parts: number[] = [...parsed.rdataWithoutSignature];
  const rrs = rrset
    .map((rr) => rdataWire(rr))
    .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  for (const rdata of rrs) {
    parts.push(...canonicalName(rrset[0]!.owner), ...u16(TYPE_CODE[rrset[0]!.type]!), ...u16(1), ...u32(origTtl));
    parts.push(...u16(rdata.length), ...rdata);
  }
  return Uint8Array.from(parts);
}

/** One signature of a vector file, ready for verifySignature. */
export interface SignatureVector {
  readonly algorithm: number;
  readonly publicKey: Uint8Array;
  readonly data: Uint8Array;
  readonly signature: Uint8Array;
}

/**
 * The RRSIG covering `type` at `owner` in `file`, with its DNSKEY (matched by key tag) and the signed data.
 */
export function signatureVector(file: string, owner: string, type: string): SignatureVector {
  const records = readRecords(readShared(file));
  const rrsig = records.find((r) => r.type === 'RRSIG' && r.owner === owner && r.rdata[0] === type);
  if (rrsig === undefined) throw new Error(`${file}: no RRSIG ${type} at ${owner}`);
  const parsed = parseRrsig(rrsig);
  const rrset = records.filter((r) => r.owner === owner && r.type === type);
  const dnskey = records
    .filter((r) => r.type === 'DNSKEY')
    .find((r) => keyTag(rdataWire(r)) === parsed.keyTag);
  if (dnskey === undefined) throw new Error(`${file}: no DNSKEY with key tag ${parsed.keyTag}`);
  return {
    algorithm: parsed.algorithm,
    publicKey: base64(dnskey.rdata.slice(3).join('')),
    data: signedData(rrsig, rrset),
    signature: parsed.signature,
  };
}

/** DNSKEY Public Key field for a node:crypto public key (RSA, EC, Ed25519, Ed448). */
export function dnskeyFromNode(publicKey: KeyObject): Uint8Array {
  const key = dnskeyPublicKeyFromJwk(publicKey.export({ format: 'jwk' }) as PublicJwk);
  if (key === undefined) throw new Error('cannot convert key');
  return key;
}

/** A copy with one bit flipped. */
export function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const out = bytes.slice();
  out[bit >> 3]! ^= 1 << (bit & 7);
  return out;
}

/** RFC 4648 §7 base32hex, lower case, no padding (NSEC3 owner labels, RFC 5155 §3.3). */
export function base32hex(bytes: Uint8Array): string {
  const alphabet = '0123456789abcdefghijklmnopqrstuv';
  let out = '';
  let acc = 0;
  let bits = 0;
  for (const b of bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += alphabet[(acc >> bits) & 31];
    }
  }
  if (bits > 0) out += alphabet[(acc << (5 - bits)) & 31];
  return out;
}
