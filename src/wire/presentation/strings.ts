/**
 * TTLs and <character-string>s in presentation form (RFC 1035 §5.1; BIND's
 * TTL units).
 */
import { FieldError } from './encoding.js';

const TTL_UNITS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** A TTL or period: seconds, or BIND units such as 1h30m, 2d, 1w (case-insensitive). */
export function ttlFromText(text: string): number | undefined {
  if (/^[0-9]+$/.test(text)) {
    const v = Number(text);
    return v <= 0xffffffff ? v : undefined;
  }
  if (!/^([0-9]+[smhdw])+$/i.test(text)) return undefined;
  let total = 0;
  for (const m of text.matchAll(/([0-9]+)([smhdw])/gi)) total += Number(m[1]) * TTL_UNITS[m[2]!.toLowerCase()]!;
  return total <= 0xffffffff ? total : undefined;
}

/** Decodes the escapes of a <character-string> (RFC 1035 §5.1): \DDD and \X. Non-ASCII text becomes UTF-8. */
export function characterStringFromText(text: string): Uint8Array {
  const out: number[] = [];
  const utf8 = new TextEncoder();
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\') {
      const d = text.slice(i + 1, i + 4);
      if (/^[0-9]{3}$/.test(d)) {
        if (Number(d) > 255) throw new FieldError(`bad escape \\${d}`);
        out.push(Number(d));
        i += 3;
      } else if (i + 1 < text.length) {
        out.push(...utf8.encode(text[i + 1]!));
        i++;
      } else throw new FieldError('dangling backslash');
    } else {
      const c = ch.charCodeAt(0);
      if (c < 0x80) out.push(c);
      else {
        // Keep surrogate pairs together.
        const cp = text.codePointAt(i)!;
        const s = String.fromCodePoint(cp);
        out.push(...utf8.encode(s));
        i += s.length - 1;
      }
    }
  }
  return Uint8Array.from(out);
}

/** Quoted <character-string> as BIND prints it: `"` and `\` escaped, non-printable octets as \DDD. */
export function characterStringToText(bytes: Uint8Array): string {
  let out = '"';
  for (const b of bytes) {
    if (b < 0x20 || b >= 0x7f) out += '\\' + b.toString().padStart(3, '0');
    else if (b === 0x22 || b === 0x5c) out += '\\' + String.fromCharCode(b);
    else out += String.fromCharCode(b);
  }
  return out + '"';
}
