/**
 * Reading the published vectors (test/data/vectors) for validator tests:
 * header fields (validation time, trust anchors), appendix-B responses as
 * messages, and record pools of the RFC appendix A zones.
 *
 * Everything here reads the vector files; nothing is hard-coded that the
 * headers do not state.
 */
import type { Name } from '../../src/wire/name.js';
import { nameFromText } from '../../src/wire/name.js';
import { type Message, type RR, encodeMessage, parseMessage } from '../../src/wire/message.js';
import { parseSectionedText } from '../../src/wire/sections.js';
import { parseZoneText, rrToText } from '../../src/wire/presentation.js';
import { RRType } from '../../src/wire/rrtype.js';
import { type TrustAnchor, parseAnchorText } from '../../src/dnssec/anchors.js';
import { RecordPool, readShared } from './record-pool.js';

/** The vector file's `;` header lines, joined. */
export function headerText(text: string): string {
  return text
    .split('\n')
    .filter((l) => /^\s*;/.test(l))
    .join('\n');
}

/** YYYYMMDDHHMMSS (RFC 4034 §3.2) or plain seconds, to unix seconds. */
export function timeFromText(t: string): number {
  if (/^\d{14}$/.test(t)) {
    const iso = `${t.slice(0, 4)}-${t.slice(4, 6)}-${t.slice(6, 8)}T${t.slice(8, 10)}:${t.slice(10, 12)}:${t.slice(12, 14)}Z`;
    return Date.parse(iso) / 1000;
  }
  if (/^\d+$/.test(t)) return Number(t);
  throw new Error(`not a DNSSEC time: ${t}`);
}

/** The validation window the header states (inception .. expiration). */
export function headerWindow(text: string): { inception: number; expiration: number } {
  const h = headerText(text);
  const inc = /inception\s+(\d+)/.exec(h);
  const exp = /expiration\s+(\d+)/.exec(h);
  if (inc && exp) return { inception: timeFromText(inc[1]!), expiration: timeFromText(exp[1]!) };
  const span = /window[^:]*:\s*(\d+)\s*\.\.\s*(\d+)/i.exec(h);
  if (span) return { inception: Number(span[1]), expiration: Number(span[2]) };
  const iso = /window[^:]*:\s*(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)\s*\.\.\s*(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)/i.exec(h);
  if (iso) return { inception: Date.parse(iso[1]!) / 1000, expiration: Date.parse(iso[2]!) / 1000 };
  throw new Error('the vector header states no validation window');
}

/**
 * The validation time the header suggests ("unix N" or "now=N"); otherwise
 * the middle of its validity window.
 */
export function headerNow(text: string): number {
  const h = headerText(text);
  const m = /\(unix (\d+)\)/.exec(h) ?? /now=(\d+)/.exec(h);
  if (m) return Number(m[1]);
  const w = headerWindow(text);
  return Math.floor((w.inception + w.expiration) / 2);
}

/**
 * DS and DNSKEY records written inline in the header's "Trust anchor" lines
 * (e.g. "example. DS 9465 5 2 40d6..."), as presentation text, one a line.
 */
export function headerAnchorRecords(text: string): { ds: string[]; dnskey: string[] } {
  const h = headerText(text);
  const ds = [...h.matchAll(/([A-Za-z0-9.-]*\.)\s+(?:\d+\s+)?(?:IN\s+)?DS\s+(\d+\s+\d+\s+\d+\s+[0-9a-fA-F]+)/g)].map((m) => `${m[1]} IN DS ${m[2]}`);
  const dnskey = [...h.matchAll(/([A-Za-z0-9.-]*\.)\s+(?:\d+\s+)?(?:IN\s+)?DNSKEY\s+(\d+\s+\d+\s+\d+\s+[A-Za-z0-9+/=]+)/g)].map(
    (m) => `${m[1]} IN DNSKEY ${m[2]}`,
  );
  return { ds, dnskey };
}

/** Trust anchors from presentation lines. */
export function anchorsFrom(lines: readonly string[], what: string): TrustAnchor[] {
  if (lines.length === 0) throw new Error(`no trust anchor records for ${what}`);
  return parseAnchorText(lines.join('\n'), what);
}

/** The records of a vector file (its body), parsed. */
export function vectorRecords(text: string): RR[] {
  return parseZoneText(text);
}

/** Records of one type from a list, as presentation lines. */
export function recordLines(rrs: readonly RR[], type: number): string[] {
  return rrs.filter((r) => r.type === type).map(rrToText);
}

/** An appendix-B style response text (";; Header / ;; Question / ;; Answer ...") as a wire-round-tripped message. */
export function sectionedMessage(text: string, file: string): { question: { name: Name; type: number }; message: Message } {
  const r = parseSectionedText(text, { fileName: file })[0];
  if (!r) throw new Error(`${file}: no response in the text`);
  if (!r.question) throw new Error(`${file}: the response has no question`);
  const wire = encodeMessage({
    id: 0,
    flags: { ...r.flags, qr: true },
    rcode: r.rcode,
    question: [r.question],
    answer: r.answer,
    authority: r.authority,
    additional: r.additional,
  });
  return { question: { name: r.question.name, type: r.question.type }, message: parseMessage(wire) };
}

/** Builds a message from records (answer/authority), as a network source would return it. */
export function makeMessage(
  name: Name,
  type: number,
  parts: { rcode?: number; answer?: readonly RR[]; authority?: readonly RR[]; additional?: readonly RR[] },
): Message {
  const wire = encodeMessage({
    id: 0,
    flags: { qr: true, aa: true, rd: true, ra: true, cd: true },
    rcode: parts.rcode ?? 0,
    question: [{ name, type, class: 1 }],
    answer: [...(parts.answer ?? [])],
    authority: [...(parts.authority ?? [])],
    additional: [...(parts.additional ?? [])],
  });
  return parseMessage(wire);
}

export interface RfcZone {
  /** The appendix A zone file text. */
  readonly zoneText: string;
  readonly now: number;
  readonly window: { inception: number; expiration: number };
  /** The header's DS anchor lines and DNSKEY anchor lines. */
  readonly dsAnchors: TrustAnchor[];
  readonly dnskeyAnchors: TrustAnchor[];
  /** A fresh pool of the appendix A zone. */
  pool(): RecordPool;
  /** A fresh pool with the appendix B response (file under vectors/rfc) fixed for its question. */
  poolWith(bFile: string): { pool: RecordPool; question: { name: Name; type: number }; message: Message; text: string };
}

/** The RFC 4035 or RFC 5155 appendix A zone with its B responses. */
export function rfcZone(zoneFile: 'rfc4035-A-signed-zone.zone' | 'rfc5155-A-signed-zone.zone'): RfcZone {
  const zoneText = readShared(`vectors/rfc/${zoneFile}`);
  const anchors = headerAnchorRecords(zoneText);
  const records = parseZoneText(zoneText);
  return {
    zoneText,
    now: headerNow(zoneText),
    window: headerWindow(zoneText),
    dsAnchors: anchorsFrom(anchors.ds, `${zoneFile} header (DS)`),
    dnskeyAnchors: anchorsFrom(anchors.dnskey, `${zoneFile} header (DNSKEY)`),
    pool: () => new RecordPool(records),
    poolWith(bFile: string) {
      const text = readShared(`vectors/rfc/${bFile}`);
      const { question, message } = sectionedMessage(text, bFile);
      const pool = new RecordPool(records);
      pool.fix(question.name, question.type, message);
      return { pool, question, message, text };
    },
  };
}

/** The root anchors (DS 20326, KSK-2017) of the real chains. */
export function realRootAnchors(): TrustAnchor[] {
  const text = readShared('vectors/real/root-trust-anchors.txt');
  const ds = text.split('\n').filter((l) => /^\. IN DS 20326 /.test(l));
  return anchorsFrom(ds, 'root-trust-anchors.txt');
}

/** A real chain file: its records, its suggested time. */
export function realChain(file: string): { text: string; records: RR[]; now: number; window: { inception: number; expiration: number } } {
  const text = readShared(`vectors/real/${file}`);
  return { text, records: parseZoneText(text), now: headerNow(text), window: headerWindow(text) };
}

/** A name from text (absolute). */
export function n(text: string): Name {
  return nameFromText(text.endsWith('.') ? text : `${text}.`);
}

export { RRType };

/** The records of (name, type) in `records`, with their covering RRSIGs. */
export function rrsetWithSigs(records: readonly RR[], name: Name, type: number): RR[] {
  const same = (a: Name) => a.length === name.length && a.every((l, i) => l.toLowerCase() === name[i]!.toLowerCase());
  const rrs = records.filter((r) => r.type === type && same(r.name));
  const sigs = records.filter((r) => r.type === RRType.RRSIG && same(r.name) && r.rdata.length >= 2 && ((r.rdata[0]! << 8) | r.rdata[1]!) === type);
  return [...rrs, ...sigs];
}

/** The "Expected outcome:" line of a vector header. */
export function expectedOutcome(text: string): string {
  const m = /^;\s*Expected outcome:\s*(.*)$/m.exec(text);
  if (!m) throw new Error('the vector header has no "Expected outcome:" line');
  return m[1]!;
}
