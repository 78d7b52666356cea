/**
 * IANA trust anchor XML (RFC 9718, which obsoletes RFC 7958): one
 * <TrustAnchor> for one <Zone>, several <KeyDigest> elements each with a
 * validity window.
 */
import { type Name, NameError, ROOT, nameFromText } from '../wire/name.js';
import type { RR } from '../wire/message.js';
import { PresentationError, rdataFromText } from '../wire/presentation.js';
import { RRClass, RRType } from '../wire/rrtype.js';
import { keyTag } from './records.js';
import { dsDigestOf } from './ds.js';
import { type AnchorWindow, type TrustAnchor, ANCHOR_TTL, AnchorFileError, anchorsAt } from './anchor-types.js';
import { checkReaderArgs, checkString } from './anchor-args.js';

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
export function parseRootAnchorsXml(text: string, fileName: string, now?: number): TrustAnchor[] {
  const nowUnixSeconds = checkReaderArgs('parseRootAnchorsXml', 'the XML text', text, now);
  const active = anchorsAt(parseRootAnchorsXmlWindows(text, fileName), nowUnixSeconds);
  if (active.length === 0) {
    throw new AnchorFileError(fileName, `no <KeyDigest> is valid at ${new Date(nowUnixSeconds * 1000).toISOString()} (check validFrom/validUntil and the clock)`);
  }
  return active;
}

/**
 * IANA trust anchor XML with every KeyDigest and its validity window
 * (TrustAnchor.validity), for a validator that judges them at each
 * validation time (anchorsAt).
 */
export function parseRootAnchorsXmlWindows(text: string, fileName: string): TrustAnchor[] {
  checkString(text, 'the XML text', 'parseRootAnchorsXmlWindows');
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
  const validity: AnchorWindow[] = [];
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
    ds.push({ name: zone, type: RRType.DS, class: RRClass.IN, ttl: ANCHOR_TTL, rdata });
    ids.push(id || `#${ds.length}`);
    validity.push({ from: validFrom!, ...(validUntil !== undefined ? { until: validUntil } : {}), id: id || `#${ds.length}`, file: fileName });
  }
  return [{ zone, ds, dnskeys: [], source: `${fileName} KeyDigest id=${ids.join(',')}`, validity }];
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
  // RFC 4034 §5.1.4: over the canonical owner, as for any DS (ds.ts).
  const computed = dsDigestOf(zone, key!, digestType);
  if (computed && Buffer.compare(Buffer.from(computed), Buffer.from(digest)) !== 0) fail('<PublicKey> does not hash to <Digest>');
}
