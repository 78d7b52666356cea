/**
 * What a trust anchor is (RFC 4033 §2, RFC 4035 §4.4), the error every
 * anchor reader throws, and the anchors valid at a given time (RFC 9718 §2.1).
 * The readers: anchors-xml.ts, anchors-bind.ts, anchors.ts.
 */
import type { RR } from '../wire/message.js';
import { type Name, nameKey, nameToText } from '../wire/name.js';
import { RRClass, RRType } from '../wire/rrtype.js';
import { readDnskey } from './records.js';
import { isRevoked, isZoneKey } from './keys.js';

export interface TrustAnchor {
  readonly zone: Name;
  /** DS records whose owner is `zone` (RFC 4034 §5). */
  readonly ds: RR[];
  /** DNSKEY records whose owner is `zone` (RFC 4034 §2). */
  readonly dnskeys: RR[];
  /** Where the anchor came from: a file name, or e.g. "root-anchors.xml KeyDigest id=Klajeyz,Kmyv6jo". */
  readonly source: string;
  /**
   * RFC 9718 §2: the validity window of each DS record (same order as `ds`),
   * when the anchor came from a file that states them. anchorsAt() keeps the
   * DS records valid at a given time; anchors without windows are timeless.
   */
  readonly validity?: readonly AnchorWindow[];
}

/** When a DS trust anchor is valid: validFrom <= t < validUntil (RFC 9718 §2.1). */
export interface AnchorWindow {
  readonly from: number;
  readonly until?: number;
  /** The KeyDigest id, for the anchor's source text. */
  readonly id: string;
  /** The file the anchor came from. */
  readonly file: string;
}

/**
 * The anchors as they stand at `nowUnixSeconds`: DS records whose window
 * holds (RFC 9718 §2.1); an anchor left with no DS and no DNSKEY is dropped.
 * Anchors without windows are returned unchanged.
 */
export function anchorsAt(anchors: readonly TrustAnchor[], nowUnixSeconds: number): TrustAnchor[] {
  const out: TrustAnchor[] = [];
  for (const a of anchors) {
    if (!a.validity) {
      out.push(a);
      continue;
    }
    const ds: RR[] = [];
    const ids: string[] = [];
    let file = a.source;
    a.ds.forEach((rr, i) => {
      const w = a.validity![i];
      if (w && (nowUnixSeconds < w.from || (w.until !== undefined && nowUnixSeconds >= w.until))) return;
      ds.push(rr);
      ids.push(w?.id ?? `#${i + 1}`);
      if (w) file = w.file;
    });
    if (ds.length === 0 && a.dnskeys.length === 0) continue;
    out.push({ zone: a.zone, ds, dnskeys: a.dnskeys, source: `${file} KeyDigest id=${ids.join(',')}` });
  }
  return out;
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
export const ANCHOR_TTL = 172800;

/** Groups DS and DNSKEY records by owner into anchors, in order of first appearance. */
export function groupAnchors(rrs: readonly { rr: RR; line: number }[], fileName: string): TrustAnchor[] {
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
