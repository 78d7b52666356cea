/**
 * Trust anchors (RFC 4033 §2, RFC 4035 §4.4): the DS and/or DNSKEY records a
 * validator starts every chain of trust from.
 *
 * Three file formats:
 *  - IANA's root-anchors.xml (RFC 9718, which obsoletes RFC 7958): one
 *    <TrustAnchor> for one <Zone>, several <KeyDigest> elements each with a
 *    validity window; only the digests valid at the given time are kept.
 *  - Presentation-format DS and DNSKEY records (zone-file text), any owners:
 *    several zones give several anchors (islands of trust).
 *  - BIND's `trust-anchors { ... };` (also the older `managed-keys` and
 *    `trusted-keys`) clauses. `initial-key`/`initial-ds` are used as static
 *    anchors: there is no RFC 5011 state here.
 *
 * Every error names the file and, where there is one, the line. A file that
 * yields no usable anchor is an error too: silently running without an anchor
 * would make every answer "insecure" (fail open).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dsDigest } from '../crypto/index.js';
import type { RR } from '../wire/message.js';
import { type Name, NameError, ROOT, nameFromText, nameKey, nameToText, nameToWire } from '../wire/name.js';
import { PresentationError, parseZoneTextWithLines, rdataFromText } from '../wire/presentation.js';
import { RRClass, RRType } from '../wire/rrtype.js';
import { keyTag, readDnskey } from './records.js';
import { isRevoked, isZoneKey } from './keys.js';

export interface TrustAnchor {
  readonly zone: Name;
  /** DS records whose owner is `zone` (RFC 4034 §5). */
  readonly ds: RR[];
  /** DNSKEY records whose owner is `zone` (RFC 4034 §2). */
  readonly dnskeys: RR[];
  /** Where the anchor came from: a file name, or e.g. "root-anchors.xml KeyDigest id=Klajeyz,Kmyv6jo". */
  readonly source: string;
}

export class AnchorFileError extends Error {
  override name = 'AnchorFileError';
  readonly fileName: string;
  readonly line?: number;
  readonly detail: string;
  constructor(fileName: string, detail: string, line?: number) {
    super(line === undefined ? `${fileName}: ${detail}` : `${fileName} line ${line}: ${detail}`);
    this.fileName = fileName;
    this.detail = detail;
    if (line !== undefined) this.line = line;
  }
}

/** TTL given to anchor records (anchors have none; the root zone uses 172800 for DNSKEY and DS). */
const ANCHOR_TTL = 172800;


// ------------------------------------------------------------------ IANA XML

interface XmlElement {
  readonly attrs: ReadonlyMap<string, string>;
  readonly body: string;
  /** Offset of the element's start tag in the whole text. */
  readonly offset: number;
  /** Offset of the body in the whole text. */
  readonly bodyOffset: number;
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function parseAttrs(s: string): Map<string, string> {
  const attrs = new Map<string, string>();
  for (const m of s.matchAll(/([A-Za-z_][\w.-]*)\s*=\s*"([^"]*)"/g)) attrs.set(m[1]!, m[2]!);
  return attrs;
}

/** All <tag ...>body</tag> elements of `tag` directly inside `text` (no nesting of the same tag). */
function elements(text: string, tag: string, base: number): XmlElement[] {
  const out: XmlElement[] = [];
  const re = new RegExp(`<${tag}(\\s[^>]*)?>([\\s\\S]*?)</${tag}\\s*>`, 'g');
  for (const m of text.matchAll(re)) {
    const bodyStart = m.index + m[0].indexOf('>') + 1;
    out.push({ attrs: parseAttrs(m[1] ?? ''), body: m[2]!, offset: base + m.index, bodyOffset: base + bodyStart });
  }
  return out;
}

function decodeXmlText(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&')
    .trim();
}

/** xsd:dateTime as RFC 9718 §2.1 uses it; no time zone means UTC. */
function parseDateTime(s: string): number | undefined {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?)(Z|[+-]\d{2}:\d{2})?$/.exec(s.trim());
  if (!m) return undefined;
  const ms = Date.parse(m[1]! + (m[2] ?? 'Z'));
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

/**
 * IANA trust anchor XML (RFC 9718 §2). Keeps the KeyDigests with
 * validFrom <= now < validUntil (validUntil optional) and returns one anchor
 * for the <Zone> holding their DS records. If a KeyDigest carries the
 * optional <PublicKey> and <Flags>, the DNSKEY they form must have the
 * digest's key tag and (for a digest type we implement) hash to its digest;
 * the anchor itself is the DS (DNSKEYs are not added).
 */
export function parseRootAnchorsXml(text: string, fileName: string, nowUnixSeconds: number): TrustAnchor[] {
  // Blank out comments and processing instructions, keeping offsets (and so line numbers).
  const clean = text.replace(/<!--[\s\S]*?-->|<\?[\s\S]*?\?>/g, (s) => s.replace(/[^\n]/g, ' '));
  const fail = (detail: string, offset?: number): never => {
    throw new AnchorFileError(fileName, detail, offset === undefined ? undefined : lineAt(text, offset));
  };
  const anchors = elements(clean, 'TrustAnchor', 0);
  if (anchors.length !== 1) fail(`expected one <TrustAnchor> element, found ${anchors.length}`);
  const ta = anchors[0]!;
  const zones = elements(ta.body, 'Zone', ta.bodyOffset);
  if (zones.length !== 1) fail(`expected one <Zone> element, found ${zones.length}`, ta.offset);
  let zone: Name;
  try {
    zone = nameFromText(decodeXmlText(zones[0]!.body), ROOT);
  } catch (e) {
    if (e instanceof NameError) return fail(`bad <Zone>: ${e.message}`, zones[0]!.offset);
    throw e;
  }
  const digests = elements(ta.body, 'KeyDigest', ta.bodyOffset);
  if (digests.length === 0) fail('no <KeyDigest> element', ta.offset);
  const ds: RR[] = [];
  const ids: string[] = [];
  for (const kd of digests) {
    const id = kd.attrs.get('id') ?? '';
    const where = `KeyDigest${id ? ` id=${id}` : ''}`;
    const child = (tag: string, required: boolean): { value: string; offset: number } | undefined => {
      const found = elements(kd.body, tag, kd.bodyOffset);
      if (found.length > 1) fail(`${where}: more than one <${tag}>`, found[1]!.offset);
      if (found.length === 0) return required ? fail(`${where}: missing <${tag}>`, kd.offset) : undefined;
      return { value: decodeXmlText(found[0]!.body), offset: found[0]!.offset };
    };
    const number = (tag: string, max: number): number => {
      const c = child(tag, true)!;
      if (!/^[0-9]{1,5}$/.test(c.value) || Number(c.value) > max) fail(`${where}: bad <${tag}> ${JSON.stringify(c.value)}`, c.offset);
      return Number(c.value);
    };
    const fromText = kd.attrs.get('validFrom');
    if (fromText === undefined) fail(`${where}: missing validFrom attribute`, kd.offset);
    const validFrom = parseDateTime(fromText!);
    if (validFrom === undefined) fail(`${where}: bad validFrom ${JSON.stringify(fromText)}`, kd.offset);
    const untilText = kd.attrs.get('validUntil');
    const validUntil = untilText === undefined ? undefined : parseDateTime(untilText);
    if (untilText !== undefined && validUntil === undefined) fail(`${where}: bad validUntil ${JSON.stringify(untilText)}`, kd.offset);
    const tag = number('KeyTag', 0xffff);
    const algorithm = number('Algorithm', 0xff);
    const digestType = number('DigestType', 0xff);
    const digestEl = child('Digest', true)!;
    const digestHex = digestEl.value.replace(/\s+/g, '');
    let rdata: Uint8Array;
    try {
      rdata = rdataFromText(RRType.DS, [String(tag), String(algorithm), String(digestType), digestHex]);
    } catch (e) {
      if (e instanceof PresentationError) return fail(`${where}: bad <Digest>: ${e.detail}`, digestEl.offset);
      throw e;
    }
    const publicKey = child('PublicKey', false);
    const flags = child('Flags', false);
    if (publicKey) {
      if (!flags) fail(`${where}: <PublicKey> without <Flags> (RFC 9718 §2.1)`, publicKey.offset);
      checkPublicKey(zone, tag, algorithm, digestType, rdata.subarray(4), flags!.value, publicKey.value, (d) => fail(`${where}: ${d}`, publicKey.offset));
    }
    if (validFrom! > nowUnixSeconds) continue; // not yet valid
    if (validUntil !== undefined && nowUnixSeconds >= validUntil) continue; // expired
    ds.push({ name: zone, type: RRType.DS, class: RRClass.IN, ttl: ANCHOR_TTL, rdata });
    ids.push(id || `#${ds.length}`);
  }
  if (ds.length === 0) {
    fail(`no <KeyDigest> is valid at ${new Date(nowUnixSeconds * 1000).toISOString()} (check validFrom/validUntil and the clock)`);
  }
  return [{ zone, ds, dnskeys: [], source: `${fileName} KeyDigest id=${ids.join(',')}` }];
}

/** RFC 9718 §2.1: <PublicKey> and <Flags> must describe the key the digest was made from. */
function checkPublicKey(
  zone: Name, tag: number, algorithm: number, digestType: number, digest: Uint8Array,
  flagsText: string, keyText: string, fail: (detail: string) => never,
): void {
  if (!/^[0-9]{1,5}$/.test(flagsText) || Number(flagsText) > 0xffff) fail(`bad <Flags> ${JSON.stringify(flagsText)}`);
  let key: Uint8Array;
  try {
    key = rdataFromText(RRType.DNSKEY, [flagsText, '3', String(algorithm), keyText.replace(/\s+/g, '')]);
  } catch (e) {
    if (e instanceof PresentationError) fail(`bad <PublicKey>: ${e.detail}`);
    throw e;
  }
  if (keyTag(key!) !== tag) fail(`<PublicKey>/<Flags> have key tag ${keyTag(key!)}, not ${tag}`);
  const owner = nameToWire(zone);
  const data = new Uint8Array(owner.length + key!.length);
  data.set(owner);
  data.set(key!, owner.length);
  const computed = dsDigest(digestType, data);
  if (computed && Buffer.compare(Buffer.from(computed), Buffer.from(digest)) !== 0) fail('<PublicKey> does not hash to <Digest>');
}

// ------------------------------------------------------------ presentation text

/** Groups DS and DNSKEY records by owner into anchors, in order of first appearance. */
function groupAnchors(rrs: readonly { rr: RR; line: number }[], fileName: string): TrustAnchor[] {
  const byZone = new Map<string, TrustAnchor>();
  for (const { rr, line } of rrs) {
    if (rr.class !== RRClass.IN) throw new AnchorFileError(fileName, `trust anchor for ${nameToText(rr.name)} is not class IN`, line);
    if (rr.type === RRType.DNSKEY) {
      const key = readDnskey(rr.rdata);
      if (!key || !isZoneKey(key)) throw new AnchorFileError(fileName, `DNSKEY for ${nameToText(rr.name)} lacks the Zone Key flag (RFC 4034 §2.1.1)`, line);
      if (isRevoked(key)) throw new AnchorFileError(fileName, `DNSKEY for ${nameToText(rr.name)} has the REVOKE flag (RFC 5011 §3)`, line);
    } else if (rr.type !== RRType.DS) {
      throw new AnchorFileError(fileName, `a trust anchor file holds only DS and DNSKEY records, not type ${rr.type}`, line);
    }
    const key = nameKey(rr.name);
    let anchor = byZone.get(key);
    if (!anchor) {
      anchor = { zone: rr.name, ds: [], dnskeys: [], source: fileName };
      byZone.set(key, anchor);
    }
    (rr.type === RRType.DS ? anchor.ds : anchor.dnskeys).push(rr);
  }
  if (byZone.size === 0) throw new AnchorFileError(fileName, 'no DS or DNSKEY records');
  return [...byZone.values()];
}

/**
 * DS and/or DNSKEY records in presentation format (several zones allowed),
 * or BIND trust-anchors / managed-keys / trusted-keys clauses.
 */
export function parseAnchorText(text: string, fileName: string): TrustAnchor[] {
  if (BIND_CLAUSE_RE.test(stripBindComments(text))) return parseBindAnchors(text, fileName);
  let rrs: { rr: RR; line: number }[];
  try {
    rrs = parseZoneTextWithLines(text, { fileName });
  } catch (e) {
    if (e instanceof PresentationError) throw new AnchorFileError(fileName, e.detail, e.line);
    throw e;
  }
  return groupAnchors(rrs, fileName);
}

// ----------------------------------------------------------------- BIND clauses

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
function parseBindAnchors(text: string, fileName: string): TrustAnchor[] {
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

// ----------------------------------------------------------------------- files

/** Reads a trust anchor file (XML, BIND clauses or presentation records, detected from the content). */
export function loadTrustAnchorFile(path: string, nowUnixSeconds: number): TrustAnchor[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new AnchorFileError(path, `cannot read trust anchor file: ${(e as Error).message}`);
  }
  if (/^\s*</.test(text.replace(/^\uFEFF/, ''))) return parseRootAnchorsXml(text, path, nowUnixSeconds);
  return parseAnchorText(text, path);
}

/** The package root: the nearest directory above this module that holds package.json. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 32; i++) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  // Not found (unusual layout): assume src/dnssec or dist/src/dnssec under the root.
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..');
}

/** Absolute path of the shipped IANA root anchors (works from src/ and from dist/src/). */
export const DEFAULT_ROOT_ANCHORS_PATH: string = join(packageRoot(), 'trust-anchors', 'root-anchors.xml');
