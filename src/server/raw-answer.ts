/**
 * Answering from the upstream's own octets: when the response to the client
 * holds exactly the records of the upstream message (nothing filtered out
 * for DO=0 or for AD, RFC 4035 §3.2.1, §3.2.3), the upstream's bytes are
 * reused — its record order, name compression and RDATA untouched — with
 * only the header (ID, flags, counts), the question octets (the client's
 * case; same length), the TTLs (capped) and the OPT record (the proxy's own,
 * RFC 6891 §7) rewritten. Anything else returns undefined and the response
 * is written from the parsed records (response.ts).
 */
import { readName } from '../wire/name.js';
import { RRType } from '../wire/rrtype.js';
import { SERVER_UDP_PAYLOAD, type ResponseInit } from './response.js';

interface RecordSpan {
  readonly type: number;
  readonly ttlAt: number;
  readonly end: number;
}

interface Layout {
  readonly questionEnd: number;
  /** Records of the answer, authority and additional sections, OPT included. */
  readonly sections: readonly (readonly RecordSpan[])[];
}

function u16(buf: Uint8Array, o: number): number {
  return (buf[o]! << 8) | buf[o + 1]!;
}

function layout(buf: Uint8Array): Layout | undefined {
  try {
    if (buf.length < 12 || u16(buf, 4) !== 1) return undefined;
    let pos = readName(buf, 12).end + 4;
    const questionEnd = pos;
    const sections: RecordSpan[][] = [];
    for (let s = 0; s < 3; s++) {
      const spans: RecordSpan[] = [];
      for (let i = 0; i < u16(buf, 6 + 2 * s); i++) {
        const at = readName(buf, pos).end;
        if (at + 10 > buf.length) return undefined;
        const end = at + 10 + u16(buf, at + 8);
        if (end > buf.length) return undefined;
        spans.push({ type: u16(buf, at), ttlAt: at + 4, end });
        pos = end;
      }
      sections.push(spans);
    }
    return { questionEnd, sections };
  } catch {
    return undefined;
  }
}

function sameIgnoringCase(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]! >= 0x41 && a[i]! <= 0x5a ? a[i]! + 0x20 : a[i]!;
    const y = b[i]! >= 0x41 && b[i]! <= 0x5a ? b[i]! + 0x20 : b[i]!;
    if (x !== y) return false;
  }
  return true;
}

/**
 * The response made from `raw`, or undefined when the records to send are
 * not exactly the upstream's, or it does not fit `limit`.
 */
export function rawResponse(raw: Uint8Array, init: ResponseInit, ttlCap: number, limit: number): Uint8Array | undefined {
  const l = layout(raw);
  if (!l || !init.questionBytes || init.rcode > 0xf || (init.edns?.ede !== undefined)) return undefined;
  if (l.questionEnd - 12 !== init.questionBytes.length || !sameIgnoringCase(raw.subarray(12, l.questionEnd), init.questionBytes)) return undefined;
  const [answer, authority, additional] = l.sections as [RecordSpan[], RecordSpan[], RecordSpan[]];
  const optIndex = additional.findIndex((r) => r.type === RRType.OPT);
  if (optIndex >= 0 && optIndex !== additional.length - 1) return undefined;
  const kept = optIndex >= 0 ? additional.slice(0, -1) : additional;
  if (answer.length !== (init.answer?.length ?? 0) || authority.length !== (init.authority?.length ?? 0) || kept.length !== (init.additional?.length ?? 0)) return undefined;
  const last = kept.at(-1) ?? authority.at(-1) ?? answer.at(-1);
  const body = last ? last.end : l.questionEnd;
  const optLength = init.edns ? 11 : 0;
  if (body + optLength > limit) return undefined;
  const out = new Uint8Array(body + optLength);
  out.set(raw.subarray(0, body));
  const dv = new DataView(out.buffer);
  dv.setUint16(0, init.id);
  let f = 0x8000 | 0x0080 | (init.rcode & 0xf);
  if (init.rd) f |= 0x0100;
  if (init.ad) f |= 0x0020;
  if (init.cd) f |= 0x0010;
  dv.setUint16(2, f);
  dv.setUint16(10, kept.length + (init.edns ? 1 : 0));
  out.set(init.questionBytes, 12);
  for (const r of [...answer, ...authority, ...kept]) {
    if (dv.getUint32(r.ttlAt) > ttlCap) dv.setUint32(r.ttlAt, ttlCap >>> 0);
  }
  if (init.edns) {
    // Root owner, OPT, our payload size, extended rcode 0 / version 0 / DO copied, no options.
    out[body] = 0;
    dv.setUint16(body + 1, RRType.OPT);
    dv.setUint16(body + 3, SERVER_UDP_PAYLOAD);
    dv.setUint32(body + 5, init.edns.dnssecOk ? 0x8000 : 0);
    dv.setUint16(body + 9, 0);
  }
  return out;
}
