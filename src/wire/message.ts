/**
 * DNS messages (RFC 1035 §4.1) read from and written to wire bytes, keeping
 * every RR's RDATA as raw octets.
 *
 * Reading expands compression pointers inside the RDATA of the types listed in
 * rdata-names.ts (so the RDATA is self-contained, in its original case) and
 * copies everything else verbatim. Nothing here rebuilds RDATA from decoded
 * fields: signed data is later built from these bytes (RFC 4034 §6.2).
 */
import { type Name, NameError, readName, nameToWire, nameWireLength, writeName, ROOT } from './name.js';
import { RDATA_NAME_LAYOUT } from './rdata-names.js';
import { RRType } from './rrtype.js';
import { concat } from './bytes.js';

/** One resource record with its RDATA as raw, uncompressed wire octets. */
export interface RR {
  readonly name: Name;
  readonly type: number;
  readonly class: number;
  readonly ttl: number;
  readonly rdata: Uint8Array;
}

export interface Question {
  readonly name: Name;
  readonly type: number;
  readonly class: number;
}

export interface EdnsOption {
  readonly code: number;
  readonly data: Uint8Array;
}

export interface Edns {
  readonly udpPayloadSize: number;
  readonly version: number;
  /** The DO bit (RFC 3225). */
  readonly dnssecOk: boolean;
  readonly options: readonly EdnsOption[];
}

export interface MessageFlags {
  readonly qr: boolean;
  readonly opcode: number;
  readonly aa: boolean;
  readonly tc: boolean;
  readonly rd: boolean;
  readonly ra: boolean;
  readonly ad: boolean;
  readonly cd: boolean;
}

export interface Message {
  readonly id: number;
  readonly flags: MessageFlags;
  /** Full rcode, including the upper bits from the OPT record (RFC 6891 §6.1.3). */
  readonly rcode: number;
  readonly question: readonly Question[];
  readonly answer: readonly RR[];
  readonly authority: readonly RR[];
  /** Additional section without the OPT pseudo-RR. */
  readonly additional: readonly RR[];
  readonly edns?: Edns;
}

export class MessageError extends Error {
  override name = 'MessageError';
}

/** EDNS option code of Extended DNS Errors (RFC 8914 §2). */
export const EDNS_OPTION_EDE = 15;

function u16(buf: Uint8Array, o: number): number {
  if (o + 2 > buf.length) throw new MessageError('message truncated');
  return (buf[o]! << 8) | buf[o + 1]!;
}

function u32(buf: Uint8Array, o: number): number {
  if (o + 4 > buf.length) throw new MessageError('message truncated');
  return ((buf[o]! << 24) >>> 0) + ((buf[o + 1]! << 16) | (buf[o + 2]! << 8) | buf[o + 3]!);
}

/**
 * Expands the names inside one RDATA (RFC 3597 §4). `start`/`end` delimit the
 * RDATA inside the whole message `buf` (pointers are message offsets).
 */
function readRdata(buf: Uint8Array, type: number, start: number, end: number): Uint8Array {
  const layout = RDATA_NAME_LAYOUT.get(type);
  if (!layout) return buf.slice(start, end);
  try {
    return expandRdata(buf, type, layout, start, end);
  } catch {
    // RDATA that does not fit its type's layout is kept as it came: the
    // message stays readable, and the record simply fails to verify (bogus),
    // instead of the whole response being refused.
    return buf.slice(start, end);
  }
}

function expandRdata(buf: Uint8Array, type: number, layout: readonly (number | 'N' | 'S')[], start: number, end: number): Uint8Array {
  const parts: Uint8Array[] = [];
  let pos = start;
  for (const field of layout) {
    if (field === 'N') {
      const { name, end: after } = readName(buf, pos);
      if (after > end) throw new MessageError(`name runs past the RDATA of a ${type} record`);
      parts.push(nameToWire(name));
      pos = after;
    } else if (field === 'S') {
      if (pos >= end) throw new MessageError('character-string runs past the RDATA');
      const len = buf[pos]!;
      if (pos + 1 + len > end) throw new MessageError('character-string runs past the RDATA');
      parts.push(buf.subarray(pos, pos + 1 + len));
      pos += 1 + len;
    } else {
      if (pos + field > end) throw new MessageError(`RDATA of a type ${type} record is too short`);
      parts.push(buf.subarray(pos, pos + field));
      pos += field;
    }
  }
  parts.push(buf.subarray(pos, end));
  return concat(parts);
}

export { concat } from './bytes.js';

/**
 * Parses a whole DNS message. Throws MessageError (or NameError) on malformed
 * input; callers that face the network turn that into a clear failure.
 */
export function parseMessage(buf: Uint8Array): Message {
  try {
    return parseMessageUnchecked(buf);
  } catch (e) {
    if (e instanceof NameError) throw new MessageError(`malformed name: ${e.message}`);
    throw e;
  }
}

function parseMessageUnchecked(buf: Uint8Array): Message {
  if (buf.length < 12) throw new MessageError('message shorter than its 12-octet header');
  const id = u16(buf, 0);
  const f = u16(buf, 2);
  const counts = [u16(buf, 4), u16(buf, 6), u16(buf, 8), u16(buf, 10)] as const;
  let pos = 12;
  const question: Question[] = [];
  for (let i = 0; i < counts[0]; i++) {
    const { name, end } = readName(buf, pos);
    question.push({ name, type: u16(buf, end), class: u16(buf, end + 2) });
    pos = end + 4;
  }
  const sections: RR[][] = [[], [], []];
  let edns: Edns | undefined;
  let extendedRcode = 0;
  for (let s = 0; s < 3; s++) {
    for (let i = 0; i < counts[s + 1]!; i++) {
      const { name, end } = readName(buf, pos);
      const type = u16(buf, end);
      const cls = u16(buf, end + 2);
      const ttl = u32(buf, end + 4);
      const rdlength = u16(buf, end + 8);
      const start = end + 10;
      const rdEnd = start + rdlength;
      if (rdEnd > buf.length) throw new MessageError('RDATA runs past the end of the message');
      if (type === RRType.OPT && s === 2) {
        if (edns) throw new MessageError('more than one OPT record (RFC 6891 §6.1.1)');
        if (name.length !== 0) throw new MessageError('OPT record with a non-root owner');
        const options: EdnsOption[] = [];
        let o = start;
        while (o < rdEnd) {
          const code = u16(buf, o);
          const len = u16(buf, o + 2);
          if (o + 4 + len > rdEnd) throw new MessageError('EDNS option runs past the OPT record');
          options.push({ code, data: buf.slice(o + 4, o + 4 + len) });
          o += 4 + len;
        }
        extendedRcode = ttl >>> 24;
        edns = { udpPayloadSize: cls, version: (ttl >>> 16) & 0xff, dnssecOk: (ttl & 0x8000) !== 0, options };
      } else {
        sections[s]!.push({ name, type, class: cls, ttl, rdata: readRdata(buf, type, start, rdEnd) });
      }
      pos = rdEnd;
    }
  }
  const flags: MessageFlags = {
    qr: (f & 0x8000) !== 0,
    opcode: (f >> 11) & 0xf,
    aa: (f & 0x0400) !== 0,
    tc: (f & 0x0200) !== 0,
    rd: (f & 0x0100) !== 0,
    ra: (f & 0x0080) !== 0,
    ad: (f & 0x0020) !== 0,
    cd: (f & 0x0010) !== 0,
  };
  const message: Message = {
    id,
    flags,
    rcode: (extendedRcode << 4) | (f & 0xf),
    question,
    answer: sections[0]!,
    authority: sections[1]!,
    additional: sections[2]!,
    ...(edns ? { edns } : {}),
  };
  return message;
}

/** Extended DNS Errors carried in a message (RFC 8914 §2). */
export function extendedErrors(message: Message): { infoCode: number; text: string }[] {
  const out: { infoCode: number; text: string }[] = [];
  for (const opt of message.edns?.options ?? []) {
    if (opt.code !== EDNS_OPTION_EDE || opt.data.length < 2) continue;
    out.push({
      infoCode: (opt.data[0]! << 8) | opt.data[1]!,
      text: new TextDecoder().decode(opt.data.subarray(2)),
    });
  }
  return out;
}

export interface MessageInit {
  id?: number;
  flags?: Partial<MessageFlags>;
  rcode?: number;
  question?: readonly Question[];
  answer?: readonly RR[];
  authority?: readonly RR[];
  additional?: readonly RR[];
  edns?: Edns;
}

/**
 * Writes a message without name compression. RDATA is copied verbatim, so a
 * parsed message re-encodes with the same RDATA octets.
 */
export function encodeMessage(init: MessageInit): Uint8Array {
  const fl = init.flags ?? {};
  const rcode = init.rcode ?? 0;
  const question = init.question ?? [];
  const sections = [init.answer ?? [], init.authority ?? [], init.additional ?? []];
  if (question.length > 0xffff || sections.some((s) => s.length > 0xffff) || sections[2]!.length + (init.edns ? 1 : 0) > 0xffff) {
    throw new MessageError('more than 65535 records in one section (RFC 1035 §4.1.1)');
  }
  let len = 12;
  for (const q of question) len += nameWireLength(q.name) + 4;
  for (const sec of sections) {
    for (const rr of sec) {
      if (rr.rdata.length > 0xffff) throw new MessageError(`RDATA of ${rr.rdata.length} octets does not fit RDLENGTH (RFC 1035 §3.2.1)`);
      len += nameWireLength(rr.name) + 10 + rr.rdata.length;
    }
  }
  if (init.edns) {
    len += 11;
    for (const o of init.edns.options) len += 4 + o.data.length;
  }
  const out = new Uint8Array(len);
  const dv = new DataView(out.buffer);
  dv.setUint16(0, init.id ?? 0);
  let f = 0;
  if (fl.qr) f |= 0x8000;
  f |= ((fl.opcode ?? 0) & 0xf) << 11;
  if (fl.aa) f |= 0x0400;
  if (fl.tc) f |= 0x0200;
  if (fl.rd) f |= 0x0100;
  if (fl.ra) f |= 0x0080;
  if (fl.ad) f |= 0x0020;
  if (fl.cd) f |= 0x0010;
  f |= rcode & 0xf;
  dv.setUint16(2, f);
  dv.setUint16(4, question.length);
  dv.setUint16(6, sections[0]!.length);
  dv.setUint16(8, sections[1]!.length);
  dv.setUint16(10, sections[2]!.length + (init.edns ? 1 : 0));
  let o = 12;
  for (const q of question) {
    o = writeName(out, o, q.name, false);
    dv.setUint16(o, q.type);
    dv.setUint16(o + 2, q.class);
    o += 4;
  }
  for (const sec of sections) {
    for (const rr of sec) {
      o = writeName(out, o, rr.name, false);
      dv.setUint16(o, rr.type);
      dv.setUint16(o + 2, rr.class);
      dv.setUint32(o + 4, rr.ttl >>> 0);
      dv.setUint16(o + 8, rr.rdata.length);
      out.set(rr.rdata, o + 10);
      o += 10 + rr.rdata.length;
    }
  }
  if (init.edns) {
    const e = init.edns;
    o = writeName(out, o, ROOT, false);
    dv.setUint16(o, RRType.OPT);
    dv.setUint16(o + 2, e.udpPayloadSize);
    const ttl = (((rcode >> 4) & 0xff) << 24) | ((e.version & 0xff) << 16) | (e.dnssecOk ? 0x8000 : 0);
    dv.setUint32(o + 4, ttl >>> 0);
    let rdlen = 0;
    for (const opt of e.options) rdlen += 4 + opt.data.length;
    dv.setUint16(o + 8, rdlen);
    o += 10;
    for (const opt of e.options) {
      dv.setUint16(o, opt.code);
      dv.setUint16(o + 2, opt.data.length);
      out.set(opt.data, o + 4);
      o += 4 + opt.data.length;
    }
  }
  return out;
}

export interface QueryOptions {
  id: number;
  /** Recursion desired (default true). */
  rd?: boolean;
  /** Checking disabled (default true: we validate ourselves, RFC 4035 §3.2.2). */
  cd?: boolean;
  /** DNSSEC OK (default true, RFC 3225). */
  dnssecOk?: boolean;
  /** EDNS UDP payload size (default 1232, the DNS flag day 2020 value). */
  udpPayloadSize?: number;
}

/** A query as dnssec-stub sends it: EDNS(0), DO=1, CD=1, RD=1 by default. */
export function encodeQuery(name: Name, type: number, opts: QueryOptions): Uint8Array {
  return encodeMessage({
    id: opts.id,
    flags: { rd: opts.rd ?? true, cd: opts.cd ?? true },
    question: [{ name, type, class: 1 }],
    edns: { udpPayloadSize: opts.udpPayloadSize ?? 1232, version: 0, dnssecOk: opts.dnssecOk ?? true, options: [] },
  });
}
