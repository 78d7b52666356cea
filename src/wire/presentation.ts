/**
 * DNS presentation format (master/zone-file text, RFC 1035 §5.1) to and from
 * wire RDATA.
 *
 * Reading: comments (";", also after a record and inside parentheses),
 * multi-line records "( ... )", quoted strings with escapes, $ORIGIN and $TTL
 * ($INCLUDE and $GENERATE are refused), a line that starts with white space
 * reuses the previous owner, "@" is the origin, relative names, TTL and class
 * in either order (RFC 1035 §5.1), TTL units ("1h30m", "2d"), TYPEnnn and
 * CLASSnnn (RFC 3597 §5) and the generic RDATA form "\# <len> <hex>" for any type
 * (its octets are taken as they are, even when they do not fit the type).
 *
 * TTL of a record without one: $TTL if set (RFC 2308 §4), else the last
 * explicit TTL (RFC 1035 §5.1), else `defaultTtl` (default 3600). Class of a
 * record without one: the previous record's, else `defaultClass` (IN).
 *
 * Writing follows dig/BIND: names with a trailing dot in their original case,
 * hex upper case, base64 and hex without inner spaces, RRSIG times as
 * YYYYMMDDHHmmSS, NSEC3 next hashed owner in upper-case base32hex, TXT as
 * quoted strings; types without a format here print as "\# len HEX".
 */
import { type Name, NameError, ROOT, nameFromText, nameToText } from './name.js';
import type { RR } from './message.js';
import { RRClass, classFromText, classToText, typeFromText, typeToText } from './rrtype.js';
import { FieldError } from './presentation/encoding.js';
import { type Entry, type LexItem, type Token, lex } from './presentation/lexer.js';
import { genericRdataToText, rdataFieldsToText, rdataFromTokens, ttlFromText, hasTextFormat } from './presentation/rdata.js';

export { ttlFromText, hasTextFormat } from './presentation/rdata.js';

/** Bad presentation text; the message names the file (if known) and the 1-based line. */
export class PresentationError extends Error {
  override name = 'PresentationError';
  readonly fileName?: string;
  readonly line: number;
  /** The message without the file and line prefix. */
  readonly detail: string;
  constructor(detail: string, line: number, fileName?: string) {
    super(`${fileName ?? '<text>'} line ${line}: ${detail}`);
    this.detail = detail;
    this.line = line;
    if (fileName !== undefined) this.fileName = fileName;
  }
}

export interface ParseOptions {
  /** Origin for relative names and "@" (default: the root). */
  origin?: Name;
  /** TTL for records that have none and no $TTL/earlier TTL applies (default 3600). */
  defaultTtl?: number;
  /** Used in error messages. */
  fileName?: string;
  /** Class for records that have none and no earlier record (default IN). */
  defaultClass?: number;
}

export const DEFAULT_TTL = 3600;

function isTtlToken(t: Token): boolean {
  return !t.quoted && ttlFromText(t.text) !== undefined;
}

/**
 * Turns lexed entries into RRs, keeping the state a master file carries from
 * line to line ($ORIGIN, $TTL, previous owner, TTL and class). Exported for
 * sections.ts; most callers want parseZoneText.
 */
export class ZoneReader {
  origin: Name;
  private dollarTtl: number | undefined;
  private lastTtl: number | undefined;
  private lastOwner: Name | undefined;
  private lastClass: number | undefined;
  readonly fileName: string | undefined;
  private readonly defaultTtl: number;
  private readonly defaultClass: number;

  constructor(opts: ParseOptions = {}) {
    this.origin = opts.origin ?? ROOT;
    this.fileName = opts.fileName;
    this.defaultTtl = opts.defaultTtl ?? DEFAULT_TTL;
    this.defaultClass = opts.defaultClass ?? RRClass.IN;
  }

  error(detail: string, line: number): PresentationError {
    return new PresentationError(detail, line, this.fileName);
  }

  /** Parses a name token relative to the current origin. */
  name(tok: Token): Name {
    try {
      return nameFromText(tok.text, this.origin);
    } catch (e) {
      if (e instanceof NameError) throw this.error(e.message, tok.line);
      throw e;
    }
  }

  /** Applies a $ directive or reads one RR; returns undefined for a directive. */
  entry(entry: Entry): RR | undefined {
    const toks = entry.tokens;
    const first = toks[0]!;
    if (!entry.ownerOmitted && !first.quoted && first.text.startsWith('$')) {
      this.directive(first.text.toUpperCase(), toks, entry.line);
      return undefined;
    }
    let pos = 0;
    let owner: Name;
    if (entry.ownerOmitted) {
      if (!this.lastOwner) throw this.error('record without an owner name, and no previous owner to reuse', entry.line);
      owner = this.lastOwner;
    } else {
      owner = this.name(first);
      pos = 1;
    }
    let ttl: number | undefined;
    let cls: number | undefined;
    // RFC 1035 §5.1: [<TTL>] [<class>] or [<class>] [<TTL>], then the type.
    for (let k = 0; k < 2 && pos < toks.length; k++) {
      const t = toks[pos]!;
      if (ttl === undefined && isTtlToken(t)) {
        ttl = ttlFromText(t.text);
        pos++;
      } else if (cls === undefined && !t.quoted && classFromText(t.text) !== undefined) {
        cls = classFromText(t.text);
        pos++;
      } else break;
    }
    const typeTok = toks[pos];
    if (!typeTok) throw this.error('record without a type', toks[toks.length - 1]!.line);
    const type = typeTok.quoted ? undefined : typeFromText(typeTok.text);
    if (type === undefined) throw this.error(`unknown type or bad field ${JSON.stringify(typeTok.text)}`, typeTok.line);
    let rdata: Uint8Array;
    try {
      rdata = rdataFromTokens(type, toks.slice(pos + 1), this.origin, typeTok.line);
    } catch (e) {
      if (e instanceof FieldError) throw this.error(e.message, (e as FieldError & { line?: number }).line ?? typeTok.line);
      throw e;
    }
    if (ttl !== undefined) this.lastTtl = ttl;
    const finalTtl = ttl ?? this.dollarTtl ?? this.lastTtl ?? this.defaultTtl;
    const finalClass = cls ?? this.lastClass ?? this.defaultClass;
    this.lastOwner = owner;
    this.lastClass = finalClass;
    return { name: owner, type, class: finalClass, ttl: finalTtl, rdata };
  }

  private directive(word: string, toks: readonly Token[], line: number): void {
    switch (word) {
      case '$ORIGIN': {
        if (toks.length !== 2) throw this.error('$ORIGIN takes one name', line);
        this.origin = this.name(toks[1]!);
        return;
      }
      case '$TTL': {
        const t = toks[1];
        const v = t && toks.length === 2 ? ttlFromText(t.text) : undefined;
        if (v === undefined) throw this.error('$TTL takes one TTL value', line);
        this.dollarTtl = v;
        return;
      }
      case '$INCLUDE':
        throw this.error('$INCLUDE is not supported: pass the included file separately', line);
      case '$GENERATE':
        throw this.error('$GENERATE is not supported', line);
      default:
        throw this.error(`unknown directive ${word}`, line);
    }
  }
}

function lexOrThrow(text: string, fileName: string | undefined): LexItem[] {
  try {
    return lex(text);
  } catch (e) {
    if (e instanceof FieldError) throw new PresentationError(e.message, (e as FieldError & { line?: number }).line ?? 0, fileName);
    throw e;
  }
}

/** Lexes text into entries and stand-alone comment lines (for sections.ts). */
export function lexPresentation(text: string, fileName?: string): LexItem[] {
  return lexOrThrow(text, fileName);
}

/** Parses a whole master file (RFC 1035 §5.1). Throws PresentationError. */
export function parseZoneText(text: string, opts: ParseOptions = {}): RR[] {
  return parseZoneTextWithLines(text, opts).map((x) => x.rr);
}

/** Like parseZoneText, with the 1-based line each record starts on (for callers' own error messages). */
export function parseZoneTextWithLines(text: string, opts: ParseOptions = {}): { rr: RR; line: number }[] {
  const reader = new ZoneReader(opts);
  const out: { rr: RR; line: number }[] = [];
  for (const item of lexOrThrow(text, opts.fileName)) {
    if (item.kind !== 'entry') continue;
    const rr = reader.entry(item);
    if (rr) out.push({ rr, line: item.line });
  }
  return out;
}

/** Parses exactly one RR (it may span lines with parentheses). */
export function parseRecord(text: string, opts: ParseOptions = {}): RR {
  const rrs = parseZoneText(text, opts);
  if (rrs.length !== 1) throw new PresentationError(`expected one record, found ${rrs.length}`, 1, opts.fileName);
  return rrs[0]!;
}

/**
 * RDATA from its presentation text. A string is tokenized like a zone-file
 * record (quotes, parentheses, comments). An array is taken as tokens that are
 * already split: each element is one field, used as is (a leading and
 * trailing `"` mark a quoted string); escapes are still decoded.
 */
export function rdataFromText(type: number, text: string | readonly string[], origin: Name = ROOT): Uint8Array {
  let tokens: Token[];
  if (typeof text === 'string') {
    tokens = [];
    for (const item of lexOrThrow(text, undefined)) if (item.kind === 'entry') tokens.push(...item.tokens);
  } else {
    tokens = text.map((t) =>
      t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? { text: t.slice(1, -1), quoted: true, line: 1 } : { text: t, quoted: false, line: 1 },
    );
  }
  try {
    return rdataFromTokens(type, tokens, origin, 1);
  } catch (e) {
    if (e instanceof FieldError) throw new PresentationError(e.message, (e as FieldError & { line?: number }).line ?? 1);
    throw e;
  }
}

/**
 * RDATA as presentation text, like dig. RDATA that does not fit its type's
 * layout (truncated, trailing octets) and types without a format here are
 * written in the RFC 3597 generic form, which always round-trips.
 */
export function rdataToText(type: number, rdata: Uint8Array): string {
  if (!hasTextFormat(type)) return genericRdataToText(rdata);
  try {
    return rdataFieldsToText(type, rdata);
  } catch (e) {
    if (e instanceof FieldError) return genericRdataToText(rdata);
    throw e;
  }
}

/** One RR as a line of dig's answer section: "name.\tTTL\tCLASS\tTYPE\trdata". */
export function rrToText(rr: RR): string {
  return `${nameToText(rr.name)}\t${rr.ttl}\t${classToText(rr.class)}\t${typeToText(rr.type)}\t${rdataToText(rr.type, rr.rdata)}`;
}
