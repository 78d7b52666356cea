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
import { typeFromText, typeToText } from '../rrtype.js';
import {
  FieldError, base32hexToBytes, base64ToBytes, bytesToBase32hex, bytesToBase64, bytesToHex, bytesToIpv4,
  bytesToIpv6, hexToBytes, ipv4ToBytes, ipv6ToBytes, timeFromText, timeToText,
} from './encoding.js';
import type { Token } from './lexer.js';
import { ALGORITHM_MNEMONICS, LAYOUTS } from './layouts.js';
import { characterStringFromText, characterStringToText, ttlFromText } from './strings.js';

export { hasTextFormat } from './layouts.js';
export { ttlFromText, characterStringFromText, characterStringToText } from './strings.js';

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
