/**
 * "Sectioned" text: DNS responses written as presentation-format records
 * under comment markers, as in the RFC 4035 / RFC 5155 appendix B examples
 * and in dig's output.
 *
 * Markers (case-insensitive, on comment lines outside parentheses):
 *   header   ";; Header: QR AA DO RCODE=3" (flags by name; RCODE=number or name)
 *            ";; ->>HEADER<<- opcode: QUERY, status: NXDOMAIN, id: 1234" (dig)
 *            ";; flags: qr aa rd; QUERY: 1, ANSWER: 2, AUTHORITY: 0, ADDITIONAL: 1" (dig)
 *   question ";; Question" or ";; QUESTION SECTION:", followed by a comment line
 *            ";; name [CLASS] TYPE" or dig's ";name. IN TYPE"
 *   sections ";; Answer", ";; Authority", ";; Additional" or dig's
 *            ";; ANSWER SECTION:", ";; AUTHORITY SECTION:", ";; ADDITIONAL SECTION:"
 *   ignored  ";; OPT PSEUDOSECTION:" (its "; EDNS: ... flags: do" line sets dnssecOk)
 *            and every other comment.
 *
 * Several responses in one text: a new response starts at every header line
 * (";; Header:" or ";; ->>HEADER<<-"), and at a question marker when the
 * current response already has a question or records. A section marker with
 * no response open starts one too. Records that come before any marker form
 * a response of their own with everything in the answer section (the output
 * of `dig +noall +answer`); otherwise records are allowed only inside an
 * answer, authority or additional section. When dig's ";; flags:" line gives counts,
 * the sections must hold that many records (dig counts the OPT record in
 * ADDITIONAL). $ORIGIN / $TTL apply across the whole text.
 */
import type { MessageFlags, Question, RR } from './message.js';
import { type ParseOptions, PresentationError, ZoneReader, lexPresentation } from './presentation.js';
import { Rcode, classFromText, typeFromText } from './rrtype.js';

export interface SectionedResponse {
  /** The question, if the text has one. */
  question?: Question;
  rcode: number;
  flags: MessageFlags;
  /** The EDNS DO bit (RFC 3225): "DO" in ";; Header:" or "flags: do" in dig's OPT pseudosection. */
  dnssecOk: boolean;
  /** dig's message id, when given. */
  id?: number;
  answer: RR[];
  authority: RR[];
  additional: RR[];
  /** 1-based line where this response starts. */
  line: number;
}

type SectionName = 'question' | 'answer' | 'authority' | 'additional' | 'opt';

interface Builder {
  response: SectionedResponse;
  flags: { -readonly [K in keyof MessageFlags]: MessageFlags[K] };
  section: SectionName | undefined;
  counts?: { answer: number; authority: number; additional: number; line: number };
  hasOpt: boolean;
}

const OPCODES: Readonly<Record<string, number>> = { QUERY: 0, IQUERY: 1, STATUS: 2, NOTIFY: 4, UPDATE: 5 };

function rcodeFromText(text: string): number | undefined {
  const upper = text.toUpperCase();
  if (/^[0-9]{1,4}$/.test(upper)) return Number(upper) <= 4095 ? Number(upper) : undefined;
  const known = (Rcode as Record<string, number>)[upper];
  if (known !== undefined) return known;
  const m = /^RCODE([0-9]{1,4})$/.exec(upper);
  return m && Number(m[1]) <= 4095 ? Number(m[1]) : undefined;
}

function newBuilder(line: number): Builder {
  const flags = { qr: false, opcode: 0, aa: false, tc: false, rd: false, ra: false, ad: false, cd: false };
  return {
    response: { rcode: 0, flags, dnssecOk: false, answer: [], authority: [], additional: [], line },
    flags,
    section: undefined,
    hasOpt: false,
  };
}

const SECTION_MARKERS: readonly [RegExp, SectionName][] = [
  [/^;;\s*question(\s+section\s*:?)?\s*$/i, 'question'],
  [/^;;\s*answer(\s+section\s*:?)?\s*$/i, 'answer'],
  [/^;;\s*authority(\s+section\s*:?)?\s*$/i, 'authority'],
  [/^;;\s*additional(\s+section\s*:?)?\s*$/i, 'additional'],
  [/^;;\s*opt\s+pseudosection\s*:?\s*$/i, 'opt'],
];

/** Parses one or more responses; throws PresentationError naming file and line. */
export function parseSectionedText(text: string, opts: ParseOptions = {}): SectionedResponse[] {
  const reader = new ZoneReader(opts);
  const out: Builder[] = [];
  let cur: Builder | undefined;
  const start = (line: number): Builder => {
    cur = newBuilder(line);
    out.push(cur);
    return cur;
  };
  const isEmpty = (b: Builder): boolean =>
    !b.response.question && b.response.answer.length + b.response.authority.length + b.response.additional.length === 0;

  for (const item of lexPresentation(text, opts.fileName)) {
    if (item.kind === 'entry') {
      const rr = reader.entry(item);
      if (!rr) continue; // $ORIGIN / $TTL
      if (!cur) start(item.line).section = 'answer';
      const section = cur!.section;
      if (section !== 'answer' && section !== 'authority' && section !== 'additional') {
        throw reader.error('record outside an answer, authority or additional section (add a ";; Answer" style marker)', item.line);
      }
      cur!.response[section].push(rr);
      continue;
    }
    const c = item.text.trim();
    const line = item.line;
    let m: RegExpExecArray | null;
    if ((m = /^;;\s*header\s*:(.*)$/i.exec(c))) {
      const b = start(line);
      for (const word of m[1]!.trim().split(/\s+/).filter((w) => w !== '')) {
        const upper = word.toUpperCase();
        const rc = /^RCODE=(.+)$/.exec(upper);
        if (rc) {
          const v = rcodeFromText(rc[1]!);
          if (v === undefined) throw reader.error(`bad RCODE ${JSON.stringify(rc[1])}`, line);
          b.response.rcode = v;
        } else if (upper === 'DO') b.response.dnssecOk = true;
        else if (upper === 'QR' || upper === 'AA' || upper === 'TC' || upper === 'RD' || upper === 'RA' || upper === 'AD' || upper === 'CD') {
          b.flags[upper.toLowerCase() as 'qr'] = true;
        } else throw reader.error(`unknown header word ${JSON.stringify(word)}`, line);
      }
    } else if ((m = /^;;\s*->>HEADER<<-\s*(.*)$/i.exec(c))) {
      const b = start(line);
      for (const part of m[1]!.split(',')) {
        const kv = /^\s*(\w+)\s*:\s*(\S+)\s*$/.exec(part);
        if (!kv) continue;
        const key = kv[1]!.toLowerCase();
        const value = kv[2]!;
        if (key === 'status') {
          const v = rcodeFromText(value);
          if (v === undefined) throw reader.error(`unknown status ${JSON.stringify(value)}`, line);
          b.response.rcode = v;
        } else if (key === 'opcode') {
          b.flags.opcode = OPCODES[value.toUpperCase()] ?? (/^\d+$/.test(value) ? Number(value) & 0xf : 0);
        } else if (key === 'id' && /^\d+$/.test(value)) b.response.id = Number(value) & 0xffff;
      }
    } else if ((m = /^;;\s*flags\s*:([^;]*);(.*)$/i.exec(c)) && cur) {
      for (const f of m[1]!.trim().split(/\s+/).filter((w) => w !== '')) {
        const lower = f.toLowerCase();
        if (lower in cur.flags && lower !== 'opcode') cur.flags[lower as 'qr'] = true;
      }
      const count = (label: string): number | undefined => {
        const x = new RegExp(`\\b${label}\\s*:\\s*(\\d+)`, 'i').exec(m![2]!);
        return x ? Number(x[1]) : undefined;
      };
      const answer = count('ANSWER');
      const authority = count('AUTHORITY');
      const additional = count('ADDITIONAL');
      if (answer !== undefined && authority !== undefined && additional !== undefined) {
        cur.counts = { answer, authority, additional, line };
      }
    } else if (SECTION_MARKERS.some(([re]) => re.test(c))) {
      const section = SECTION_MARKERS.find(([re]) => re.test(c))![1];
      if (!cur || (section === 'question' && !isEmpty(cur))) start(line);
      cur!.section = section;
      if (section === 'opt') cur!.hasOpt = true;
    } else if (cur?.section === 'question' && !cur.response.question) {
      const q = /^;{1,2}\s*(\S+)\s+(?:(\S+)\s+)?(\S+)\s*$/.exec(c);
      if (q && !/^\(/.test(q[1]!)) {
        const cls = q[2] === undefined ? 1 : classFromText(q[2]);
        const type = typeFromText(q[3]!);
        if (cls === undefined || type === undefined) throw reader.error(`bad question line ${JSON.stringify(c)}`, line);
        cur.response.question = { name: reader.name({ text: q[1]!, quoted: false, line }), type, class: cls };
      }
    } else if (cur?.section === 'opt' && /^;\s*EDNS:/i.test(c)) {
      const f = /flags:\s*([^;]*)/i.exec(c);
      if (f && /\bdo\b/i.test(f[1]!)) cur.response.dnssecOk = true;
    }
  }
  for (const b of out) checkCounts(b, opts.fileName);
  return out.map((b) => b.response);
}

function checkCounts(b: Builder, fileName: string | undefined): void {
  if (!b.counts) return;
  const r = b.response;
  const got = { answer: r.answer.length, authority: r.authority.length, additional: r.additional.length + (b.hasOpt ? 1 : 0) };
  for (const key of ['answer', 'authority', 'additional'] as const) {
    if (got[key] !== b.counts[key]) {
      throw new PresentationError(
        `the flags line announces ${key.toUpperCase()}: ${b.counts[key]} but the text holds ${got[key]}${key === 'additional' ? ' (counting the OPT record)' : ''}`,
        b.counts.line,
        fileName,
      );
    }
  }
}
