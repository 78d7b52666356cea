/**
 * Text encodings used by presentation-format RDATA: hex (RFC 4648 §8),
 * base64 (RFC 4648 §4), base32hex without padding (RFC 4648 §7, as NSEC3
 * uses it, RFC 5155 §3.3), IPv4/IPv6 addresses (RFC 1035 §3.4.1,
 * RFC 4291 §2.2 / RFC 5952 §4) and RRSIG times (RFC 4034 §3.2).
 *
 * Every decoder is strict and throws `FieldError` on malformed text: a
 * presentation file is input, and bad input must fail clearly.
 */
import { base32hexDecode, base32hexEncode } from '../base32hex.js';

/** A malformed field; the caller adds file and line. */
export class FieldError extends Error {
  override name = 'FieldError';
}

const HEX_RE = /^[0-9a-fA-F]*$/;

export function hexToBytes(text: string): Uint8Array {
  if (!HEX_RE.test(text)) throw new FieldError(`bad hex ${JSON.stringify(shorten(text))}`);
  if (text.length % 2 !== 0) throw new FieldError(`odd number of hex digits (${text.length})`);
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Upper-case hex, as BIND and dig print it. */
export function bytesToHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out.toUpperCase();
}

const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;

/** Strict base64: standard alphabet, padded to a multiple of 4 characters. */
export function base64ToBytes(text: string): Uint8Array {
  if (!BASE64_RE.test(text) || text.length % 4 !== 0) {
    throw new FieldError(`bad base64 ${JSON.stringify(shorten(text))}`);
  }
  return new Uint8Array(Buffer.from(text, 'base64'));
}

export function bytesToBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** base32hex without padding (RFC 4648 §7; RFC 5155 §3.3), case-insensitive. */
export function base32hexToBytes(text: string): Uint8Array {
  const out = base32hexDecode(text);
  if (!out) throw new FieldError(`bad base32hex ${JSON.stringify(shorten(text))} (alphabet, length or trailing bits)`);
  return out;
}

/** Upper-case base32hex without padding, as dig prints NSEC3 next hashed owners. */
export function bytesToBase32hex(bytes: Uint8Array): string {
  return base32hexEncode(bytes).toUpperCase();
}

/** Dotted-quad IPv4 (RFC 1035 §3.4.1); leading zeros are refused (ambiguous octal). */
export function ipv4ToBytes(text: string): Uint8Array {
  const parts = text.split('.');
  if (parts.length !== 4) throw new FieldError(`bad IPv4 address ${JSON.stringify(text)}`);
  const out = new Uint8Array(4);
  parts.forEach((p, i) => {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p) || Number(p) > 255) throw new FieldError(`bad IPv4 address ${JSON.stringify(text)}`);
    out[i] = Number(p);
  });
  return out;
}

export function bytesToIpv4(bytes: Uint8Array): string {
  return Array.from(bytes).join('.');
}

/** IPv6 text (RFC 4291 §2.2), including "::" and a trailing dotted quad. */
export function ipv6ToBytes(text: string): Uint8Array {
  const bad = (): never => {
    throw new FieldError(`bad IPv6 address ${JSON.stringify(text)}`);
  };
  const halves = text.split('::');
  if (halves.length > 2) bad();
  const parseGroups = (s: string, allowV4: boolean): number[] => {
    if (s === '') return [];
    const groups = s.split(':');
    const words: number[] = [];
    groups.forEach((g, i) => {
      if (allowV4 && i === groups.length - 1 && g.includes('.')) {
        const v4 = ipv4ToBytes(g);
        words.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(g)) bad();
        words.push(parseInt(g, 16));
      }
    });
    return words;
  };
  let words: number[];
  if (halves.length === 2) {
    const head = parseGroups(halves[0]!, false);
    const tail = parseGroups(halves[1]!, true);
    if (head.length + tail.length > 7) bad();
    words = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  } else {
    words = parseGroups(text, true);
    if (words.length !== 8) bad();
  }
  const out = new Uint8Array(16);
  words.forEach((w, i) => {
    out[2 * i] = w >> 8;
    out[2 * i + 1] = w & 0xff;
  });
  return out;
}

/**
 * RFC 5952 §4 text: lower case, no leading zeros, longest zero run (>= 2
 * groups, first on a tie) as "::". IPv4-mapped (and the old IPv4-compatible)
 * addresses end in a dotted quad (RFC 5952 §5), as inet_ntop and dig print them.
 */
export function bytesToIpv6(bytes: Uint8Array): string {
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push((bytes[i]! << 8) | bytes[i + 1]!);
  if (words.slice(0, 5).every((w) => w === 0) && (words[5] === 0xffff || (words[5] === 0 && words[6] !== 0))) {
    return `::${words[5] === 0xffff ? 'ffff:' : ''}${bytesToIpv4(bytes.subarray(12, 16))}`;
  }
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = words.map((w) => w.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/**
 * RRSIG time field (RFC 4034 §3.2): YYYYMMDDHHmmSS (UTC) or an unsigned
 * decimal number of seconds. Dates past 2106 wrap modulo 2^32 (serial
 * number arithmetic, RFC 4034 §3.1.5).
 */
export function timeFromText(text: string): number {
  if (/^[0-9]{14}$/.test(text)) {
    const [y, mo, d, h, mi, s] = [
      Number(text.slice(0, 4)), Number(text.slice(4, 6)), Number(text.slice(6, 8)),
      Number(text.slice(8, 10)), Number(text.slice(10, 12)), Number(text.slice(12, 14)),
    ];
    const ms = Date.UTC(y, mo - 1, d, h, mi, s);
    const check = new Date(ms);
    if (
      y < 1970 || check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d ||
      check.getUTCHours() !== h || check.getUTCMinutes() !== mi || check.getUTCSeconds() !== s
    ) {
      throw new FieldError(`bad date ${JSON.stringify(text)}`);
    }
    return (ms / 1000) % 2 ** 32;
  }
  if (/^[0-9]{1,10}$/.test(text) && Number(text) <= 0xffffffff) return Number(text);
  throw new FieldError(`bad time ${JSON.stringify(text)} (want YYYYMMDDHHmmSS or seconds)`);
}

/** YYYYMMDDHHmmSS (UTC) for an RRSIG time field. */
export function timeToText(seconds: number): string {
  const d = new Date(seconds * 1000);
  const p = (n: number, w = 2): string => n.toString().padStart(w, '0');
  return (
    p(d.getUTCFullYear(), 4) + p(d.getUTCMonth() + 1) + p(d.getUTCDate()) +
    p(d.getUTCHours()) + p(d.getUTCMinutes()) + p(d.getUTCSeconds())
  );
}

function shorten(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
