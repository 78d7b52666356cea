/**
 * Typed records for the types mail servers care about: MX (RFC 1035 §3.3.9),
 * TLSA (RFC 6698 §2.1, DANE for SMTP: RFC 7672) and TXT (RFC 1035 §3.3.14;
 * SPF, DMARC, MTA-STS), each with the validation status of the answer.
 */
import { type Name, readName, nameToText } from '../wire/name.js';
import type { Status, Reason } from '../types.js';
import type { ValidationResult, ValidatedRecord } from './result.js';

export interface MxRecord {
  readonly preference: number;
  /** Presentation form with trailing dot. */
  readonly exchange: string;
}

export interface TlsaRecord {
  /** 0 PKIX-TA, 1 PKIX-EE, 2 DANE-TA, 3 DANE-EE. */
  readonly usage: number;
  /** 0 full certificate, 1 SubjectPublicKeyInfo. */
  readonly selector: number;
  /** 0 exact, 1 SHA-256, 2 SHA-512. */
  readonly matchingType: number;
  /** Lowercase hex. */
  readonly data: string;
}

export interface TxtRecord {
  /** The character-strings as raw UTF-8 text. */
  readonly strings: readonly string[];
  /** The strings concatenated (RFC 7208 §3.3 for SPF; RFC 7489 §6.4 DMARC). */
  readonly text: string;
}

export interface Typed<T> {
  readonly status: Status;
  readonly records: readonly T[];
  readonly ttl: number;
  readonly reasons: readonly Reason[];
  readonly rcode: string;
  /** The full validation result (chain, presentation records). */
  readonly result: ValidationResult;
}

function finalRecords(result: ValidationResult, type: string): ValidatedRecord[] {
  return result.records.filter((r) => r.type === type);
}

export function readMx(rdata: Uint8Array): MxRecord | undefined {
  if (rdata.length < 3) return undefined;
  try {
    const { name, end } = readName(rdata, 2);
    if (end !== rdata.length) return undefined;
    return { preference: (rdata[0]! << 8) | rdata[1]!, exchange: nameToText(name as Name) };
  } catch {
    return undefined;
  }
}

export function readTlsa(rdata: Uint8Array): TlsaRecord | undefined {
  if (rdata.length < 3) return undefined;
  return {
    usage: rdata[0]!,
    selector: rdata[1]!,
    matchingType: rdata[2]!,
    data: Buffer.from(rdata.subarray(3)).toString('hex'),
  };
}

export function readTxt(rdata: Uint8Array): TxtRecord | undefined {
  const strings: string[] = [];
  const decoder = new TextDecoder();
  for (let o = 0; o < rdata.length; ) {
    const len = rdata[o]!;
    if (o + 1 + len > rdata.length) return undefined;
    strings.push(decoder.decode(rdata.subarray(o + 1, o + 1 + len)));
    o += 1 + len;
  }
  return { strings, text: strings.join('') };
}

export function typed<T>(result: ValidationResult, type: string, read: (rdata: Uint8Array) => T | undefined): Typed<T> {
  const records: T[] = [];
  for (const r of finalRecords(result, type)) {
    const t = read(r.rdata);
    if (t !== undefined) records.push(t);
  }
  return { status: result.status, records, ttl: result.ttl, reasons: result.reasons, rcode: result.rcode, result };
}
