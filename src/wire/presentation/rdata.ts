/**
 * RDATA text <-> wire, one field layout per type (the presentation formats of
 * RFC 1035 §3.3 and §5.1, RFC 3596 §2.4, RFC 2782, RFC 3403 §4.1, RFC 4034
 * §2.2/§3.2/§4.2/§5.3, RFC 5155 §3.3/§4.3, RFC 6698 §2.2, RFC 8659 §4.1,
 * RFC 7553 §4.4, RFC 4255 §3.2, RFC 7929 §2.3, RFC 8976 §2.3, RFC 7477 §2.1,
 * RFC 4701 §3.2).
 * Any type, known or not, also reads and writes the RFC 3597 §5 generic form
 * "\# <length> <hex>". Names in RDATA keep their case.
 */
import { type Name, NameError, nameFromText, nameToText, MAX_LABEL_LENGTH, MAX_NAME_WIRE_LENGTH, nameToWire } from '../name.js';
import { RRType, typeFromText, typeToText } from '../rrtype.js';
import {
  FieldError, base32hexToBytes, base64ToBytes, bytesToBase32hex, bytesToBase64, bytesToHex, bytesToIpv4,
  bytesToIpv6, hexToBytes, ipv4ToBytes, ipv6ToBytes, timeFromText, timeToText,
} from './encoding.js';
import type { Token } from './lexer.js';

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
type FieldKind =
  | 'u8' | 'u16' | 'u32' | 'period' | 'alg' | 'type' | 'time' | 'name' | 'a' | 'aaaa'
  | 'string' | 'strings' | 'text' | 'tag' | 'base64' | 'hex' | 'salt' | 'hash32' | 'bitmap';

const T = RRType;
const DS_LAYOUT: readonly FieldKind[] = ['u16', 'alg', 'u8', 'hex'];
const DNSKEY_LAYOUT: readonly FieldKind[] = ['u16', 'u8', 'alg', 'base64'];
const RRSIG_LAYOUT: readonly FieldKind[] = ['type', 'alg', 'u8', 'u32', 'time', 'time', 'u16', 'name', 'base64'];
const TLSA_LAYOUT: readonly FieldKind[] = ['u8', 'u8', 'u8', 'hex'];

const LAYOUTS: ReadonlyMap<number, readonly FieldKind[]> = new Map<number, readonly FieldKind[]>([
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
const ALGORITHM_MNEMONICS: ReadonlyMap<string, number> = new Map([
  ['RSAMD5', 1], ['DH', 2], ['DSA', 3], ['RSASHA1', 5], ['DSA-NSEC3-SHA1', 6], ['RSASHA1-NSEC3-SHA1', 7],
  ['RSASHA256', 8], ['RSASHA512', 10], ['ECC-GOST', 12], ['ECDSAP256SHA256', 13], ['ECDSAP384SHA384', 14],
  ['ED25519', 15], ['ED448', 16], ['INDIRECT', 252], ['PRIVATEDNS', 253], ['PRIVATEOID', 254],
]);

/** True when `type` has a type-specific presentation format here (else only "\#"). */
export function hasTextFormat(type: number): boolean {
  return LAYOUTS.has(type);
}

// ---------------------------------------------------------------- text -> wire

class ByteWriter {
  private readonly parts: Uint8Array[] = [];
  bytes(b: Uint8Array): void {
    this.parts.push(b);
  }
  u8(v: number): void {
    this.parts.push(Uint8Array.of(v));
  }
  u16(v: number): void {
    this.parts.push(Uint8Array.of(v >> 8, v & 0xff));
  }
  u32(v: number): void {
    this.parts.push(Uint8Array.of(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff));
  }
  finish(): Uint8Array {
    let len = 0;
    for (const p of this.parts) len += p.length;
    const out = new Uint8Array(len);
    let o = 0;
    for (const p of this.parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
}

/** A field error tied to the token that caused it. */
export class TokenError extends FieldError {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

function parseUnsigned(text: string, max: number, what: string): number {
  if (!/^[0-9]{1,10}$/.test(text) || Number(text) > max) throw new FieldError(`bad ${what} ${JSON.stringify(text)} (0..${max})`);
  return Number(text);
}

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

function bitmapFromTypes(types: readonly number[]): Uint8Array {
  // RFC 4034 §4.1.2: windows in increasing order, each with the octets up to its last set bit.
  const sorted = [...new Set(types)].sort((a, b) => a - b);
  const w = new ByteWriter();
  let i = 0;
  while (i < sorted.length) {
    const window = sorted[i]! >> 8;
    const bits = new Uint8Array(32);
    let maxOctet = 0;
    while (i < sorted.length && sorted[i]! >> 8 === window) {
      const low = sorted[i]! & 0xff;
      bits[low >> 3]! |= 0x80 >> (low & 7);
      maxOctet = Math.max(maxOctet, low >> 3);
      i++;
    }
    w.u8(window);
    w.u8(maxOctet + 1);
    w.bytes(bits.subarray(0, maxOctet + 1));
  }
  return w.finish();
}

function nameField(text: string, origin: Name): Name {
  try {
    return nameFromText(text, origin);
  } catch (e) {
    if (e instanceof NameError) throw new FieldError(e.message);
    throw e;
  }
}

/** Builds RDATA from already split tokens (see lexer.ts). Throws TokenError. */
export function rdataFromTokens(type: number, tokens: readonly Token[], origin: Name, lastLine: number): Uint8Array {
  let pos = 0;
  let line = tokens[0]?.line ?? lastLine;
  const next = (what: string): Token => {
    const t = tokens[pos];
    if (!t) throw new TokenError(`${typeToText(type)} record: missing ${what}`, tokens[pos - 1]?.line ?? lastLine);
    pos++;
    line = t.line;
    return t;
  };
  try {
    const first = tokens[0];
    if (first && !first.quoted && first.text === '\\#') return genericFromTokens(tokens, lastLine);
    const layout = LAYOUTS.get(type);
    if (!layout) {
      throw new FieldError(`no presentation format for type ${typeToText(type)} here; write it as "\\# <length> <hex>" (RFC 3597 §5)`);
    }
    const w = new ByteWriter();
    for (const field of layout) {
      switch (field) {
        case 'u8': w.u8(parseUnsigned(next('8-bit number').text, 0xff, 'number')); break;
        case 'u16': w.u16(parseUnsigned(next('16-bit number').text, 0xffff, 'number')); break;
        case 'u32': w.u32(parseUnsigned(next('32-bit number').text, 0xffffffff, 'number')); break;
        case 'period': {
          const t = next('time period').text;
          const v = ttlFromText(t);
          if (v === undefined) throw new FieldError(`bad time period ${JSON.stringify(t)}`);
          w.u32(v);
          break;
        }
        case 'alg': {
          const t = next('algorithm').text;
          const m = ALGORITHM_MNEMONICS.get(t.toUpperCase());
          w.u8(m ?? parseUnsigned(t, 0xff, 'algorithm'));
          break;
        }
        case 'type': {
          const t = next('type').text;
          const v = typeFromText(t);
          if (v === undefined) throw new FieldError(`unknown type ${JSON.stringify(t)}`);
          w.u16(v);
          break;
        }
        case 'time': w.u32(timeFromText(next('time').text)); break;
        case 'name': w.bytes(nameToWire(nameField(next('domain name').text, origin))); break;
        case 'a': w.bytes(ipv4ToBytes(next('IPv4 address').text)); break;
        case 'aaaa': w.bytes(ipv6ToBytes(next('IPv6 address').text)); break;
        case 'string': w.bytes(withLength(characterStringFromText(next('character-string').text), 'character-string')); break;
        case 'strings': {
          next('character-string');
          pos--;
          while (pos < tokens.length) w.bytes(withLength(characterStringFromText(next('character-string').text), 'character-string'));
          break;
        }
        case 'text': w.bytes(characterStringFromText(next('text').text)); break;
        case 'tag': {
          const t = next('tag').text;
          if (!/^[A-Za-z0-9]{1,255}$/.test(t)) throw new FieldError(`bad CAA tag ${JSON.stringify(t)} (letters and digits only)`);
          w.u8(t.length);
          w.bytes(Uint8Array.from(t, (c) => c.charCodeAt(0)));
          break;
        }
        case 'base64':
        case 'hex': {
          let text = next(field === 'hex' ? 'hex data' : 'base64 data').text;
          while (pos < tokens.length) text += next('data').text;
          w.bytes(field === 'hex' ? hexToBytes(text) : base64ToBytes(text));
          break;
        }
        case 'salt': {
          const t = next('salt').text;
          if (t === '') throw new FieldError('empty salt (write "-")');
          w.bytes(t === '-' ? Uint8Array.of(0) : withLength(hexToBytes(t), 'salt'));
          break;
        }
        case 'hash32': {
          const v = base32hexToBytes(next('next hashed owner name').text);
          if (v.length === 0) throw new FieldError('empty next hashed owner name');
          w.bytes(withLength(v, 'hash'));
          break;
        }
        case 'bitmap': {
          const types: number[] = [];
          while (pos < tokens.length) {
            const t = next('type').text;
            const v = typeFromText(t);
            if (v === undefined) throw new FieldError(`unknown type ${JSON.stringify(t)} in type bit map`);
            types.push(v);
          }
          w.bytes(bitmapFromTypes(types));
          break;
        }
      }
    }
    if (pos < tokens.length) {
      line = tokens[pos]!.line;
      throw new FieldError(`${typeToText(type)} record: unexpected ${JSON.stringify(tokens[pos]!.text)} after the last field`);
    }
    return w.finish();
  } catch (e) {
    if (e instanceof TokenError) throw e;
    if (e instanceof FieldError) throw new TokenError(e.message, line);
    throw e;
  }
}

function withLength(bytes: Uint8Array, what: string): Uint8Array {
  if (bytes.length > 255) throw new FieldError(`${what} longer than 255 octets`);
  const out = new Uint8Array(bytes.length + 1);
  out[0] = bytes.length;
  out.set(bytes, 1);
  return out;
}

/**
 * RFC 3597 §5: "\#" <length> <hex...>. The octets are taken as they are, even
 * for a type we know and even if they do not fit its layout: the generic form
 * is how test fixtures write malformed RDATA, and rdataToText prints such
 * RDATA this way, so text and wire stay a bijection. Consumers must check
 * RDATA anyway, as they do for RDATA from the wire.
 */
function genericFromTokens(tokens: readonly Token[], lastLine: number): Uint8Array {
  const lenTok = tokens[1];
  if (!lenTok) throw new TokenError('"\\#" without a length', tokens[0]?.line ?? lastLine);
  try {
    const len = parseUnsigned(lenTok.text, 0xffff, 'RDATA length');
    const rdata = hexToBytes(tokens.slice(2).map((t) => t.text).join(''));
    if (rdata.length !== len) throw new FieldError(`"\\#" length ${len} but ${rdata.length} octets of data`);
    return rdata;
  } catch (e) {
    if (e instanceof FieldError) throw new TokenError(e.message, lenTok.line);
    throw e;
  }
}

// ---------------------------------------------------------------- wire -> text

class ByteReader {
  pos = 0;
  constructor(readonly buf: Uint8Array) {}
  need(n: number): void {
    if (this.pos + n > this.buf.length) throw new FieldError('RDATA too short');
  }
  u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }
  u16(): number {
    this.need(2);
    const v = (this.buf[this.pos]! << 8) | this.buf[this.pos + 1]!;
    this.pos += 2;
    return v;
  }
  u32(): number {
    this.need(4);
    const v = ((this.buf[this.pos]! << 24) >>> 0) + ((this.buf[this.pos + 1]! << 16) | (this.buf[this.pos + 2]! << 8) | this.buf[this.pos + 3]!);
    this.pos += 4;
    return v;
  }
  take(n: number): Uint8Array {
    this.need(n);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }
  rest(): Uint8Array {
    return this.take(this.buf.length - this.pos);
  }
  atEnd(): boolean {
    return this.pos >= this.buf.length;
  }
  /** An uncompressed name (RDATA in an RR is stored uncompressed, see message.ts). */
  name(): Name {
    const labels: string[] = [];
    let wire = 1;
    for (;;) {
      const len = this.u8();
      if (len === 0) return labels;
      if (len > MAX_LABEL_LENGTH) throw new FieldError('compressed or invalid label in RDATA name');
      wire += 1 + len;
      if (wire > MAX_NAME_WIRE_LENGTH) throw new FieldError('name longer than 255 octets');
      labels.push(String.fromCharCode(...this.take(len)));
    }
  }
}

function typesFromBitmap(bytes: Uint8Array): number[] {
  const types: number[] = [];
  let pos = 0;
  let lastWindow = -1;
  while (pos < bytes.length) {
    if (pos + 2 > bytes.length) throw new FieldError('truncated type bit map');
    const window = bytes[pos]!;
    const len = bytes[pos + 1]!;
    if (window <= lastWindow) throw new FieldError('type bit map windows out of order');
    if (len < 1 || len > 32 || pos + 2 + len > bytes.length) throw new FieldError('bad type bit map window length');
    for (let i = 0; i < len; i++) {
      const octet = bytes[pos + 2 + i]!;
      for (let b = 0; b < 8; b++) if (octet & (0x80 >> b)) types.push((window << 8) | (i * 8 + b));
    }
    lastWindow = window;
    pos += 2 + len;
  }
  return types;
}

/** Type-specific text of `rdata`; throws FieldError if the RDATA does not fit the type's layout. */
export function rdataFieldsToText(type: number, rdata: Uint8Array): string {
  const layout = LAYOUTS.get(type);
  if (!layout) throw new FieldError(`no presentation format for type ${typeToText(type)}`);
  const r = new ByteReader(rdata);
  const out: string[] = [];
  for (const field of layout) {
    switch (field) {
      case 'u8':
      case 'alg': out.push(String(r.u8())); break;
      case 'u16': out.push(String(r.u16())); break;
      case 'u32':
      case 'period': out.push(String(r.u32())); break;
      case 'type': out.push(typeToText(r.u16())); break;
      case 'time': out.push(timeToText(r.u32())); break;
      case 'name': out.push(nameToText(r.name())); break;
      case 'a': out.push(bytesToIpv4(r.take(4))); break;
      case 'aaaa': out.push(bytesToIpv6(r.take(16))); break;
      case 'string': out.push(characterStringToText(r.take(r.u8()))); break;
      case 'strings': {
        do out.push(characterStringToText(r.take(r.u8())));
        while (!r.atEnd());
        break;
      }
      case 'text': out.push(characterStringToText(r.rest())); break;
      case 'tag': {
        const tag = String.fromCharCode(...r.take(r.u8()));
        if (!/^[A-Za-z0-9]+$/.test(tag)) throw new FieldError('bad CAA tag');
        out.push(tag);
        break;
      }
      case 'base64':
      case 'hex': {
        const data = r.rest();
        if (data.length === 0) throw new FieldError('empty data field');
        out.push(field === 'hex' ? bytesToHex(data) : bytesToBase64(data));
        break;
      }
      case 'salt': {
        const salt = r.take(r.u8());
        out.push(salt.length === 0 ? '-' : bytesToHex(salt));
        break;
      }
      case 'hash32': {
        const hash = r.take(r.u8());
        if (hash.length === 0) throw new FieldError('empty next hashed owner name');
        out.push(bytesToBase32hex(hash));
        break;
      }
      case 'bitmap': out.push(...typesFromBitmap(r.rest()).map(typeToText)); break;
    }
  }
  if (!r.atEnd()) throw new FieldError(`${rdata.length - r.pos} octets after the last field`);
  return out.join(' ');
}

/** RFC 3597 §5 generic text: "\# <length> <HEX>" ("\# 0" for empty RDATA). */
export function genericRdataToText(rdata: Uint8Array): string {
  return rdata.length === 0 ? '\\# 0' : `\\# ${rdata.length} ${bytesToHex(rdata)}`;
}
