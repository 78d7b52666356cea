/**
 * The DMARC record at `_dmarc.<domain>` (RFC 7489):
 * - §6.6.3 steps 2 and 5: TXT records that do not start with the version tag
 *   are discarded; exactly one must remain, else no policy. §6.4:
 *   dmarc-version = "v" *WSP "=" *WSP %x44 %x4d %x41 %x52 %x43 %x31 ("v" in
 *   any case, "DMARC1" exactly), then dmarc-sep (*WSP ";") or the end.
 * - §6.1: the strings of the TXT record are concatenated (by the TXT reader).
 * - §6.3: the tag-value syntax of DKIM (RFC 6376 §3.2); tag names and the
 *   policy values are case-insensitive literals (§6.4); p= is required and
 *   follows v= (§6.3, §6.4).
 * - §6.6.3 step 6: without a valid p=, or with an invalid sp=, a record with
 *   a valid rua= URI counts as p=none; otherwise no policy applies.
 */
import { parseTagList } from './tags.js';
import { isReportUri, uriList } from './uri.js';

export interface DmarcParsed {
  readonly record: string | null;
  readonly policy: string | null;
  readonly tags: Readonly<Record<string, string>>;
  readonly problems: readonly string[];
}

const VERSION = /^[Vv][ \t]*=[ \t]*DMARC1[ \t]*(?:;|$)/;
const POLICIES = new Set(['none', 'quarantine', 'reject']);
/** §6.4 dmarc-uri = URI [ "!" 1*DIGIT [ "k" / "m" / "g" / "t" ] ]. */
const SIZED_URI = /^(.+?)(?:!\d+[kmgt]?)?$/i;
const isDmarcUri = (text: string): boolean => isReportUri(SIZED_URI.exec(text)?.[1] ?? '');

export function parseDmarc(texts: readonly string[]): DmarcParsed {
  const found = texts.filter((t) => VERSION.test(t));
  if (found.length === 0) return { record: null, policy: null, tags: {}, problems: [] };
  if (found.length > 1) return { record: null, policy: null, tags: {}, problems: [`${found.length} v=DMARC1 records: no policy applies (RFC 7489 §6.6.3)`] };
  const record = found[0]!;
  const list = parseTagList(record, 'RFC 7489 §6.3', true);
  const problems = [...list.problems];
  const tags: Record<string, string> = Object.fromEntries(list.tags);
  /** A tag's value; none for a duplicated tag, which is not a valid tag (RFC 6376 §3.2). */
  const one = (name: string): string | undefined => (list.duplicates.has(name) ? undefined : list.tags.get(name));

  const p = one('p');
  const pValid = p !== undefined && POLICIES.has(p.toLowerCase());
  if (!list.tags.has('p')) problems.push('no p= tag (RFC 7489 §6.3: required)');
  else if (p !== undefined && !pValid) problems.push(`p=${p} is not none, quarantine or reject (RFC 7489 §6.3)`);
  else if (pValid && list.names[1] !== 'p') problems.push('p= is not the tag after v= (RFC 7489 §6.3, §6.4; RFC 9989 §4.8 allows any order)');
  const sp = one('sp');
  const spInvalid = list.duplicates.has('sp') || (sp !== undefined && !POLICIES.has(sp.toLowerCase()));
  if (sp !== undefined && spInvalid) problems.push(`sp=${sp} is not none, quarantine or reject (RFC 7489 §6.3)`);
  const pct = one('pct');
  if (pct !== undefined && !(/^\d{1,3}$/.test(pct) && Number(pct) <= 100)) problems.push(`pct=${pct} is not 0-100: the default 100 applies (RFC 7489 §6.3, §6.4)`);

  let policy = pValid && !spInvalid ? p!.toLowerCase() : null;
  if (policy === null) {
    const rua = one('rua');
    if (rua !== undefined && uriList(rua).some(isDmarcUri)) {
      policy = 'none';
      problems.push('no valid p= or sp=, but a valid rua=: acting as p=none (RFC 7489 §6.6.3)');
    } else problems.push('no valid p= or sp=, and no valid rua=: no DMARC policy applies (RFC 7489 §6.6.3)');
  }
  return { record, policy, tags, problems };
}
