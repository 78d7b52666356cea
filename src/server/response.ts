/**
 * Writing the proxy's responses: the client's ID, question octets and RD/CD
 * echoed (RFC 1035 §4.1.1), RA set, AD as the handler decides, the records
 * with their RDATA octets exactly as the upstream sent them, owner names
 * compressed (RFC 1035 §4.1.4), and an OPT record whenever the client sent
 * one, with its DO bit copied back (RFC 3225 §3) and Extended DNS Errors
 * (RFC 8914 §2). A response larger than the client may receive is sent
 * truncated: TC=1, the question and the OPT only (RFC 1035 §4.2.1, RFC 6891
 * §7, as Unbound and BIND do), so the client retries over TCP.
 */
import { EDNS_OPTION_EDE, type RR } from '../wire/message.js';
import { type Name, lowerLabel, readName } from '../wire/name.js';
import { RRType } from '../wire/rrtype.js';

/** The EDNS UDP payload size the proxy advertises (DNS flag day 2020). */
export const SERVER_UDP_PAYLOAD = 1232;
/** What a client without EDNS may receive over UDP (RFC 1035 §4.2.1). */
export const CLASSIC_UDP_LIMIT = 512;
/** A DNS message over TCP carries a 16-bit length (RFC 1035 §4.2.2). */
export const MAX_MESSAGE = 0xffff;
/** EDE text is for people; a long reason is cut here (octets). */
const MAX_EDE_TEXT = 300;

export interface ResponseHeader {
  readonly id: number;
  readonly opcode?: number;
  readonly rd: boolean;
  readonly cd: boolean;
  readonly ad: boolean;
  readonly rcode: number;
}

export interface ResponseInit extends ResponseHeader {
  readonly questionBytes: Uint8Array | undefined;
  readonly answer?: readonly RR[];
  readonly authority?: readonly RR[];
  readonly additional?: readonly RR[];
  /** Present when the client sent an OPT record. */
  readonly edns?: { readonly dnssecOk: boolean; readonly ede?: { readonly code: number; readonly text: string } };
}

/** The EDE option's data: INFO-CODE then UTF-8 EXTRA-TEXT (RFC 8914 §2). */
function edeData(code: number, text: string): Uint8Array {
  let bytes = new TextEncoder().encode(text);
  if (bytes.length > MAX_EDE_TEXT) {
    bytes = bytes.subarray(0, MAX_EDE_TEXT);
    // Do not cut a UTF-8 sequence in two.
    while (bytes.length > 0 && (bytes[bytes.length - 1]! & 0xc0) === 0x80) bytes = bytes.subarray(0, bytes.length - 1);
    if (bytes.length > 0 && bytes[bytes.length - 1]! >= 0xc0) bytes = bytes.subarray(0, bytes.length - 1);
  }
  const out = new Uint8Array(2 + bytes.length);
  out[0] = code >> 8;
  out[1] = code & 0xff;
  out.set(bytes, 2);
  return out;
}

/** A growing buffer with owner-name compression. */
class Writer {
  private buf = new Uint8Array(512);
  len = 0;
  private readonly suffixes = new Map<string, number>();

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.len++] = v & 0xff;
  }

  u16(v: number): void {
    this.ensure(2);
    this.buf[this.len++] = (v >> 8) & 0xff;
    this.buf[this.len++] = v & 0xff;
  }

  u32(v: number): void {
    this.u16((v >>> 16) & 0xffff);
    this.u16(v & 0xffff);
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  /** Remembers where each suffix of `name` starts, for later pointers. */
  remember(name: Name, offset: number): void {
    let o = offset;
    for (let i = 0; i < name.length; i++) {
      const key = name.slice(i).map(lowerLabel).join('.');
      if (o < 0x4000 && !this.suffixes.has(key)) this.suffixes.set(key, o);
      o += 1 + name[i]!.length;
    }
  }

  /** Writes `name`, ending in a pointer to the longest suffix already written. */
  name(name: Name): void {
    const start = this.len;
    for (let i = 0; i < name.length; i++) {
      const at = this.suffixes.get(name.slice(i).map(lowerLabel).join('.'));
      if (at !== undefined) {
        this.remember(name.slice(0, i), start);
        this.u16(0xc000 | at);
        return;
      }
      const label = name[i]!;
      this.u8(label.length);
      for (let j = 0; j < label.length; j++) this.u8(label.charCodeAt(j));
    }
    this.u8(0);
    this.remember(name, start);
  }

  done(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

function headerFlags(h: ResponseHeader, tc: boolean): number {
  let f = 0x8000 | ((h.opcode ?? 0) & 0xf) << 11 | 0x0080 | (h.rcode & 0xf);
  if (tc) f |= 0x0200;
  if (h.rd) f |= 0x0100;
  if (h.ad) f |= 0x0020;
  if (h.cd) f |= 0x0010;
  return f;
}

function encode(r: ResponseInit, tc: boolean, withRecords: boolean): Uint8Array {
  const w = new Writer();
  const sections = withRecords ? [r.answer ?? [], r.authority ?? [], r.additional ?? []] : [[], [], []];
  w.u16(r.id);
  w.u16(headerFlags(r, tc));
  w.u16(r.questionBytes ? 1 : 0);
  w.u16(sections[0]!.length);
  w.u16(sections[1]!.length);
  w.u16(sections[2]!.length + (r.edns ? 1 : 0));
  if (r.questionBytes) {
    w.bytes(r.questionBytes);
    w.remember(readName(r.questionBytes, 0).name, 12);
  }
  for (const section of sections) {
    for (const rr of section) {
      w.name(rr.name);
      w.u16(rr.type);
      w.u16(rr.class);
      w.u32(rr.ttl >>> 0);
      w.u16(rr.rdata.length);
      w.bytes(rr.rdata);
    }
  }
  if (r.edns) {
    const option = r.edns.ede ? edeData(r.edns.ede.code, r.edns.ede.text) : undefined;
    w.u8(0);
    w.u16(RRType.OPT);
    w.u16(SERVER_UDP_PAYLOAD);
    // Extended RCODE (upper 8 bits of 12), version 0, DO copied (RFC 6891 §6.1.3, RFC 3225 §3).
    w.u32((((r.rcode >> 4) & 0xff) << 24) | (r.edns.dnssecOk ? 0x8000 : 0));
    w.u16(option ? 4 + option.length : 0);
    if (option) {
      w.u16(EDNS_OPTION_EDE);
      w.u16(option.length);
      w.bytes(option);
    }
  }
  return w.done();
}

/**
 * The response octets: whole when they fit `limit`, otherwise truncated
 * (TC=1, question and OPT only). Over TCP the limit is 65535; a response
 * that does not fit even there is truncated as well, so the client sees TC
 * rather than a broken stream.
 */
export function encodeResponse(r: ResponseInit, limit: number): Uint8Array {
  const whole = encode(r, false, true);
  if (whole.length <= limit) return whole;
  // Nothing is asserted by an empty truncated answer: no AD on it.
  return encode({ ...r, ad: false }, true, false);
}

/**
 * How much a UDP client may receive: its EDNS buffer, at least 512 and at
 * most what the proxy advertises (no IP fragments, RFC 6891 §6.2.5, as
 * Unbound's max-udp-size), or 512 without EDNS (RFC 1035 §4.2.1).
 */
export function udpLimit(ednsPayload: number | undefined): number {
  if (ednsPayload === undefined) return CLASSIC_UDP_LIMIT;
  return Math.max(CLASSIC_UDP_LIMIT, Math.min(ednsPayload, SERVER_UDP_PAYLOAD));
}
