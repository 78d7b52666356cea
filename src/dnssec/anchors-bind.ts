/**
 * BIND's `trust-anchors { ... };` clauses (also the older `managed-keys` and
 * `trusted-keys`). `initial-key`/`initial-ds` are used as static anchors:
 * there is no RFC 5011 state here.
 */
import type { RR } from '../wire/message.js';
import { type Name, NameError, ROOT, nameFromText } from '../wire/name.js';
import { PresentationError, rdataFromText } from '../wire/presentation.js';
import { RRClass, RRType } from '../wire/rrtype.js';
import { type TrustAnchor, ANCHOR_TTL, AnchorFileError, groupAnchors } from './anchor-types.js';

/** Whether `text` holds BIND trust-anchors / managed-keys / trusted-keys clauses. */
export function isBindAnchorText(text: string): boolean {
  return BIND_CLAUSE_RE.test(stripBindComments(text));
}

const BIND_CLAUSE_RE = /^\s*(trust-anchors|managed-keys|trusted-keys)\s*\{/m;

function stripBindComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\/|(?:\/\/|#)[^\n]*/g, (s) => s.replace(/[^\n]/g, ' '));
}

interface BindToken {
  readonly text: string;
  readonly quoted: boolean;
  readonly line: number;
}

function bindTokens(text: string, fileName: string): BindToken[] {
  const clean = stripBindComments(text);
  const out: BindToken[] = [];
  let line = 1;
  let i = 0;
  while (i < clean.length) {
    const c = clean[i]!;
    if (c === '\n') {
      line++;
      i++;
    } else if (/\s/.test(c)) i++;
    else if (c === '{' || c === '}' || c === ';') {
      out.push({ text: c, quoted: false, line });
      i++;
    } else if (c === '"') {
      const end = clean.indexOf('"', i + 1);
      if (end < 0) throw new AnchorFileError(fileName, 'unterminated quoted string', line);
      const body = clean.slice(i + 1, end);
      out.push({ text: body, quoted: true, line });
      line += body.split('\n').length - 1;
      i = end + 1;
    } else {
      const start = i;
      while (i < clean.length && !/[\s{};"]/.test(clean[i]!)) i++;
      out.push({ text: clean.slice(start, i), quoted: false, line });
    }
  }
  return out;
}

/** BIND 9 trust-anchors / managed-keys / trusted-keys clauses (named.conf syntax). */
export function parseBindAnchors(text: string, fileName: string): TrustAnchor[] {
  const toks = bindTokens(text, fileName);
  const records: { rr: RR; line: number }[] = [];
  let pos = 0;
  const lastLine = (): number => toks[toks.length - 1]?.line ?? 1;
  const expect = (want: string): BindToken => {
    const t = toks[pos];
    if (!t || t.quoted || t.text !== want) throw new AnchorFileError(fileName, `expected "${want}"${t ? `, found ${JSON.stringify(t.text)}` : ' at the end'}`, t?.line ?? lastLine());
    pos++;
    return t;
  };
  while (pos < toks.length) {
    const clause = toks[pos]!;
    if (!['trust-anchors', 'managed-keys', 'trusted-keys'].includes(clause.text) || clause.quoted) {
      throw new AnchorFileError(fileName, `expected trust-anchors, managed-keys or trusted-keys, found ${JSON.stringify(clause.text)}`, clause.line);
    }
    pos++;
    expect('{');
    while (toks[pos] && toks[pos]!.text !== '}') {
      const entry: BindToken[] = [];
      while (toks[pos] && !(toks[pos]!.text === ';' && !toks[pos]!.quoted)) {
        if (toks[pos]!.text === '}' && !toks[pos]!.quoted) throw new AnchorFileError(fileName, 'missing ";" after a key', toks[pos]!.line);
        entry.push(toks[pos++]!);
      }
      expect(';');
      records.push(bindEntry(entry, clause.text, fileName));
    }
    expect('}');
    expect(';');
  }
  return groupAnchors(records, fileName);
}

function bindEntry(entry: readonly BindToken[], clause: string, fileName: string): { rr: RR; line: number } {
  const first = entry[0];
  if (!first) throw new AnchorFileError(fileName, `empty entry in ${clause}`);
  const line = first.line;
  let name: Name;
  try {
    name = nameFromText(entry[0]!.text, ROOT);
  } catch (e) {
    if (e instanceof NameError) throw new AnchorFileError(fileName, e.message, line);
    throw e;
  }
  let rest = entry.slice(1);
  let type: number = RRType.DNSKEY;
  if (clause !== 'trusted-keys') {
    const kw = rest[0]?.text;
    if (kw === 'initial-key' || kw === 'static-key') type = RRType.DNSKEY;
    else if (kw === 'initial-ds' || kw === 'static-ds') type = RRType.DS;
    else throw new AnchorFileError(fileName, `expected initial-key, static-key, initial-ds or static-ds, found ${JSON.stringify(kw ?? '')}`, line);
    rest = rest.slice(1);
  }
  if (rest.length !== 4) throw new AnchorFileError(fileName, `expected 4 fields after the name, found ${rest.length}`, line);
  const fields = rest.map((t, i) => (i === 3 ? t.text.replace(/\s+/g, '') : t.text));
  try {
    return { rr: { name, type, class: RRClass.IN, ttl: ANCHOR_TTL, rdata: rdataFromText(type, fields) }, line };
  } catch (e) {
    if (e instanceof PresentationError) throw new AnchorFileError(fileName, e.detail, line);
    throw e;
  }
}
