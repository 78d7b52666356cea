/**
 * Trust anchors (RFC 4033 §2, RFC 4035 §4.4): the DS and/or DNSKEY records a
 * validator starts every chain of trust from.
 *
 * Three file formats:
 *  - IANA's root-anchors.xml (RFC 9718, which obsoletes RFC 7958): one
 *    <TrustAnchor> for one <Zone>, several <KeyDigest> elements each with a
 *    validity window; only the digests valid at the given time are kept
 *    (anchors-xml.ts; a validator keeps them all and judges them at each
 *    validation time: loadTrustAnchorWindows, anchorsAt).
 *  - Presentation-format DS and DNSKEY records (zone-file text), any owners:
 *    several zones give several anchors (islands of trust).
 *  - BIND's `trust-anchors { ... };` (also the older `managed-keys` and
 *    `trusted-keys`) clauses. `initial-key`/`initial-ds` are used as static
 *    anchors: there is no RFC 5011 state here (anchors-bind.ts).
 *
 * Every error names the file and, where there is one, the line. A file that
 * yields no usable anchor is an error too: silently running without an anchor
 * would make every answer "insecure" (fail open).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { RR } from '../wire/message.js';
import { PresentationError, parseZoneTextWithLines } from '../wire/presentation.js';
import { type TrustAnchor, AnchorFileError, groupAnchors } from './anchor-types.js';
import { parseRootAnchorsXml, parseRootAnchorsXmlWindows } from './anchors-xml.js';
import { isBindAnchorText, parseBindAnchors } from './anchors-bind.js';
import { isAutotrustText, trustedAutotrustRecords } from './anchors-autotrust.js';
import { checkReaderArgs, checkString } from './anchor-args.js';

export { type TrustAnchor, type AnchorWindow, AnchorFileError, anchorsAt } from './anchor-types.js';
export { parseRootAnchorsXml, parseRootAnchorsXmlWindows } from './anchors-xml.js';

/**
 * DS and/or DNSKEY records in presentation format (several zones allowed),
 * or BIND trust-anchors / managed-keys / trusted-keys clauses.
 */
export function parseAnchorText(text: string, fileName: string, now?: number): TrustAnchor[] {
  const nowUnixSeconds = checkReaderArgs('parseAnchorText', 'the text', text, now);
  if (isBindAnchorText(text)) return parseBindAnchors(text, fileName);
  let rrs: { rr: RR; line: number }[];
  try {
    rrs = parseZoneTextWithLines(text, { fileName });
  } catch (e) {
    if (e instanceof PresentationError) throw new AnchorFileError(fileName, e.detail, e.line);
    throw e;
  }
  if (isAutotrustText(text)) {
    // Unbound autotrust file: only keys in a trusted RFC 5011 state (anchors-autotrust.ts).
    const { kept, dropped } = trustedAutotrustRecords(text, rrs, nowUnixSeconds);
    if (kept.length === 0) throw new AnchorFileError(fileName, `no key in a trusted RFC 5011 state (VALID, or ADDPEND after its hold-down): ${dropped.join(', ')}`);
    rrs = kept;
  }
  return groupAnchors(rrs, fileName);
}

// ----------------------------------------------------------------------- files

/**
 * Reads a trust anchor file (XML, BIND clauses or presentation records,
 * detected from the content). `now` (unix seconds, default: the current
 * time) selects the XML KeyDigests valid at that time.
 */
export function loadTrustAnchorFile(path: string, now?: number): TrustAnchor[] {
  const nowUnixSeconds = checkReaderArgs('loadTrustAnchorFile', 'path', path, now);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new AnchorFileError(path, `cannot read trust anchor file: ${(e as Error).message}`);
  }
  if (/^\s*</.test(text.replace(/^\uFEFF/, ''))) return parseRootAnchorsXml(text, path, nowUnixSeconds);
  return parseAnchorText(text, path, nowUnixSeconds);
}

/**
 * Reads a trust anchor file for a long-running validator: an IANA XML file
 * keeps every KeyDigest with its validity window (judged at each validation
 * time with anchorsAt); other formats have no windows.
 */
export function loadTrustAnchorWindows(path: string): TrustAnchor[] {
  checkString(path, 'path', 'loadTrustAnchorWindows');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new AnchorFileError(path, `cannot read trust anchor file: ${(e as Error).message}`);
  }
  if (/^\s*</.test(text.replace(/^\uFEFF/, ''))) return parseRootAnchorsXmlWindows(text, path);
  return parseAnchorText(text, path);
}

/** The package root: the nearest directory above this module that holds package.json. */
function packageRoot(): string {
  let dir = import.meta.dirname;
  for (let i = 0; i < 32; i++) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  // Not found (unusual layout): assume src/dnssec or dist/src/dnssec under the root.
  return join(import.meta.dirname, '..', '..');
}

/** Absolute path of the shipped IANA root anchors (works from src/ and from dist/src/). */
export const DEFAULT_ROOT_ANCHORS_PATH: string = join(packageRoot(), 'trust-anchors', 'root-anchors.xml');
