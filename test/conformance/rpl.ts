/**
 * Reader for Unbound's replay scenario files (.rpl/.crpl), as described in
 * test/data/conformance/README.md (from Unbound's testcode/replay.h and
 * testpkts.h): a config block up to CONFIG_END, then SCENARIO_BEGIN, RANGEs of
 * canned server answers (ENTRY blocks) and STEPs (QUERY, CHECK_ANSWER,
 * TIME_PASSES, TRAFFIC).
 *
 * Records are parsed with our own presentation-format reader, one record a
 * line (a record without TTL gets 3600, without class IN).
 */
import { type Name, nameFromText } from '../../src/wire/name.js';
import type { RR } from '../../src/wire/message.js';
import { parseRecord } from '../../src/wire/presentation.js';
import { typeFromText } from '../../src/wire/rrtype.js';

export class RplError extends Error {
  override name = 'RplError';
  constructor(file: string, line: number, detail: string) {
    super(`${file} line ${line}: ${detail}`);
  }
}

export interface RplQuestion {
  readonly name: Name;
  readonly type: number;
}

/** One ENTRY_BEGIN ... ENTRY_END block. */
export interface RplEntry {
  readonly line: number;
  /** MATCH keywords, lower case (opcode, qtype, qname, subdomain, all, tcp, ...). */
  readonly match: ReadonlySet<string>;
  /** `ede=<n>` in MATCH (expected Extended DNS Error), or 'any'. */
  readonly ede?: number | 'any';
  /** ADJUST keywords, lower case. */
  readonly adjust: ReadonlySet<string>;
  /** REPLY flags, upper case (QR AA TC RD RA AD CD DO). */
  readonly flags: ReadonlySet<string>;
  /** REPLY rcode mnemonic, upper case (NOERROR when none given). */
  readonly rcode: string;
  readonly question?: RplQuestion;
  readonly answer: readonly RR[];
  readonly authority: readonly RR[];
  readonly additional: readonly RR[];
}

export interface RplRange {
  readonly from: number;
  readonly to: number;
  /** Server addresses; empty = answers for any address. */
  readonly addresses: readonly string[];
  readonly entries: readonly RplEntry[];
}

export type RplStep =
  | { readonly step: number; readonly kind: 'QUERY' | 'CHECK_ANSWER'; readonly entry: RplEntry }
  | { readonly step: number; readonly kind: 'TIME_PASSES'; readonly elapse: number }
  | { readonly step: number; readonly kind: string };

export interface RplConfig {
  /** The `trust-anchor:` records, presentation form. */
  readonly trustAnchors: readonly string[];
  /** `val-override-date`: "YYYYMMDDHHMMSS" or "-1". */
  readonly valOverrideDate?: string;
  /** stub-zone name -> stub-addr list (root hints and stubs). */
  readonly stubZones: ReadonlyMap<string, { readonly zone: Name; readonly addresses: readonly string[] }>;
  /** forward-zone name -> forward-addr list. */
  readonly forwardZones: ReadonlyMap<string, { readonly zone: Name; readonly addresses: readonly string[] }>;
  /** Every other `key: value` of the config block, in order. */
  readonly options: readonly { readonly key: string; readonly value: string }[];
}

export interface RplScenario {
  readonly file: string;
  readonly title: string;
  readonly config: RplConfig;
  readonly ranges: readonly RplRange[];
  readonly steps: readonly RplStep[];
}

function unquote(v: string): string {
  const t = v.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1) : t;
}

/** Strips a `#` comment from a config line (outside quotes). */
function stripHash(line: string): string {
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"') q = !q;
    else if (c === '#' && !q) return line.slice(0, i);
  }
  return line;
}

function parseConfig(lines: readonly string[]): RplConfig {
  const trustAnchors: string[] = [];
  let valOverrideDate: string | undefined;
  const stubZones = new Map<string, { zone: Name; addresses: string[] }>();
  const forwardZones = new Map<string, { zone: Name; addresses: string[] }>();
  const options: { key: string; value: string }[] = [];
  let clause: 'server' | 'stub' | 'forward' | 'other' = 'server';
  let current: { zone: Name; addresses: string[] } | undefined;
  for (const raw of lines) {
    const line = stripHash(raw).trim();
    const m = /^([A-Za-z0-9-]+):\s*(.*)$/.exec(line);
    if (!m) continue;
    const key = m[1]!.toLowerCase();
    const value = unquote(m[2]!);
    if (value === '' && (key === 'server' || key === 'stub-zone' || key === 'forward-zone' || key === 'remote-control' || key === 'auth-zone')) {
      clause = key === 'server' ? 'server' : key === 'stub-zone' ? 'stub' : key === 'forward-zone' ? 'forward' : 'other';
      current = undefined;
      continue;
    }
    if ((clause === 'stub' || clause === 'forward') && key === 'name') {
      const zone = nameFromText(value.endsWith('.') ? value : `${value}.`);
      current = { zone, addresses: [] };
      (clause === 'stub' ? stubZones : forwardZones).set(zone.join('.').toLowerCase(), current);
      continue;
    }
    if ((key === 'stub-addr' || key === 'forward-addr') && current) {
      current.addresses.push(value.split('@')[0]!);
      continue;
    }
    if (key === 'trust-anchor') trustAnchors.push(value);
    else if (key === 'val-override-date') valOverrideDate = value;
    options.push({ key, value });
  }
  return { trustAnchors, ...(valOverrideDate !== undefined ? { valOverrideDate } : {}), stubZones, forwardZones, options };
}

interface MutableEntry {
  line: number;
  match: Set<string>;
  ede?: number | 'any';
  adjust: Set<string>;
  flags: Set<string>;
  rcode: string;
  question?: RplQuestion;
  answer: RR[];
  authority: RR[];
  additional: RR[];
}

const RCODES = new Set(['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMPL', 'REFUSED', 'YXDOMAIN', 'YXRRSET', 'NXRRSET', 'NOTAUTH', 'NOTZONE', 'BADVERS']);

/**
 * One record line. Two forms in Unbound's files that our reader rightly
 * refuses are accepted here: an RRSIG whose signature field is empty on
 * purpose (val_nodata_failsig.rpl: "set to 0 base64 data"), read with a
 * one-octet signature that is then cut off; and base64 without its trailing
 * '=' padding, which ldns accepts.
 */
function parseRecordLine(text: string, file: string): RR {
  try {
    return parseRecord(text, { fileName: file });
  } catch (e) {
    const body = text.replace(/;.*$/, '').trim();
    const msg = (e as Error).message;
    if (/missing base64/i.test(msg) && /\sRRSIG\s/i.test(` ${body} `)) {
      const rr = parseRecord(`${body} AA==`, { fileName: file });
      return { ...rr, rdata: rr.rdata.subarray(0, rr.rdata.length - 1) };
    }
    // Base64 without its '=' padding (val_canon_short_px.rpl), which ldns accepts.
    const last = /(\S+)$/.exec(body)?.[1];
    if (/bad base64/i.test(msg) && last && last.length % 4 !== 0 && /^[A-Za-z0-9+/]+$/.test(last)) {
      return parseRecord(`${body}${'='.repeat(4 - (last.length % 4))}`, { fileName: file });
    }
    throw e;
  }
}

/** Parses a whole .rpl file. Throws RplError with the file and line on bad input. */
export function parseRpl(text: string, file: string): RplScenario {
  const lines = text.split(/\r?\n/);
  const end = lines.findIndex((l) => l.trim() === 'CONFIG_END');
  if (end < 0) throw new RplError(file, 1, 'no CONFIG_END line');
  const config = parseConfig(lines.slice(0, end));
  let title = '';
  const ranges: RplRange[] = [];
  const steps: RplStep[] = [];
  let range: { from: number; to: number; addresses: string[]; entries: RplEntry[] } | undefined;
  let entry: MutableEntry | undefined;
  let section: 'question' | 'answer' | 'authority' | 'additional' | undefined;
  let pendingStep: { step: number; kind: 'QUERY' | 'CHECK_ANSWER' } | undefined;
  let inScenario = false;

  for (let i = end + 1; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = lines[i]!;
    const noComment = raw.replace(/;.*$/, '');
    const line = noComment.trim();
    if (line === '') continue;
    const words = line.split(/\s+/);
    const head = words[0]!;
    const fail = (detail: string): never => {
      throw new RplError(file, lineNo, detail);
    };
    if (entry) {
      switch (head) {
        case 'MATCH':
          for (const w of words.slice(1)) {
            const ede = /^ede=(\d+|any)$/i.exec(w);
            if (ede) entry.ede = ede[1]!.toLowerCase() === 'any' ? 'any' : Number(ede[1]);
            else entry.match.add(w.toLowerCase());
          }
          continue;
        case 'ADJUST':
          for (const w of words.slice(1)) entry.adjust.add(w.toLowerCase());
          continue;
        case 'REPLY':
          for (const w of words.slice(1)) {
            const u = w.toUpperCase();
            if (RCODES.has(u)) entry.rcode = u;
            else entry.flags.add(u);
          }
          continue;
        case 'SECTION': {
          const s = (words[1] ?? '').toLowerCase();
          if (s !== 'question' && s !== 'answer' && s !== 'authority' && s !== 'additional') fail(`unknown section ${words[1]}`);
          section = s as typeof section;
          continue;
        }
        case 'ENTRY_END': {
          const done: RplEntry = entry;
          entry = undefined;
          section = undefined;
          if (pendingStep) {
            steps.push({ ...pendingStep, entry: done });
            pendingStep = undefined;
          } else if (range) {
            range.entries.push(done);
          } else fail('ENTRY outside a RANGE or STEP');
          continue;
        }
        case 'HEX_ANSWER_BEGIN':
        case 'EXTRA_PACKET':
        case 'RAW_ID':
          fail(`${head} is not supported by this harness`);
      }
      if (!section) fail(`unexpected line in ENTRY: ${line}`);
      if (section === 'question') {
        // "name [class] type"
        const q = words.filter((w) => w.toUpperCase() !== 'IN');
        const type = q[1] === undefined ? undefined : typeFromText(q[1]);
        if (q.length !== 2 || type === undefined) fail(`bad question ${line}`);
        try {
          entry.question = { name: nameFromText(q[0]!), type: type! };
        } catch (e) {
          fail(`bad question name: ${(e as Error).message}`);
        }
        continue;
      }
      try {
        entry[section!].push(parseRecordLine(raw.trimStart(), file));
      } catch (e) {
        fail(`bad record: ${(e as Error).message}`);
      }
      continue;
    }
    switch (head) {
      case 'SCENARIO_BEGIN':
        inScenario = true;
        title = words.slice(1).join(' ');
        continue;
      case 'SCENARIO_END':
        inScenario = false;
        continue;
      case 'RANGE_BEGIN': {
        if (!inScenario) fail('RANGE outside the SCENARIO');
        range = { from: Number(words[1]), to: Number(words[2]), addresses: [], entries: [] };
        if (!Number.isInteger(range.from) || !Number.isInteger(range.to)) fail('bad RANGE_BEGIN');
        continue;
      }
      case 'RANGE_END':
        if (!range) fail('RANGE_END without RANGE_BEGIN');
        ranges.push(range!);
        range = undefined;
        continue;
      case 'ADDRESS':
        if (!range) fail('ADDRESS outside a RANGE');
        range!.addresses.push(words[1] ?? '');
        continue;
      case 'ENTRY_BEGIN':
        entry = { line: lineNo, match: new Set(), adjust: new Set(), flags: new Set(), rcode: 'NOERROR', answer: [], authority: [], additional: [] };
        section = undefined;
        continue;
      case 'STEP': {
        const step = Number(words[1]);
        const kind = words[2] ?? '';
        if (!Number.isInteger(step)) fail('bad STEP number');
        if (kind === 'QUERY' || kind === 'CHECK_ANSWER') pendingStep = { step, kind };
        else if (kind === 'TIME_PASSES') {
          const k = words.indexOf('ELAPSE');
          steps.push({ step, kind, elapse: k >= 0 ? Number(words[k + 1]) : 0 });
        } else steps.push({ step, kind });
        continue;
      }
      default:
        fail(`unexpected line: ${line}`);
    }
  }
  if (entry || range || pendingStep) throw new RplError(file, lines.length, 'file ends inside an ENTRY, RANGE or STEP');
  return { file, title, config, ranges, steps };
}
