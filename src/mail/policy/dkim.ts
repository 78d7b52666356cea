/**
 * A DKIM key record at `<selector>._domainkey.<domain>` (RFC 6376):
 * - §3.6.1: v= is optional; when present it is exactly "DKIM1" (key-v-tag =
 *   %x76 [FWS] "=" [FWS] %x44.4B.49.4D.31) and the first tag; a record with
 *   another v= value is discarded. k= is the key type (default rsa); p= the
 *   base64 public key, required, empty when revoked; s= the service types,
 *   which must include "email" or "*" for a key that signs mail.
 * - §3.2: tag names are case-sensitive; a duplicated tag makes the whole
 *   tag-list invalid.
 * - §3.6.2.2: the strings of the TXT record are concatenated (by the TXT
 *   reader); several key records give "undefined" results: the first valid
 *   one is used, and that is flagged (§6.1.2 lets a verifier choose one).
 * - §6.1.2: a record that does not adhere to the format is ignored: no
 *   usable key (keyType null, not revoked).
 */
import { parseTagList, type TagList } from './tags.js';

export interface DkimParsed {
  readonly record: string | null;
  readonly keyType: string | null;
  readonly revoked: boolean;
  readonly problems: readonly string[];
}

/** §3.6.1 key-p-tag: base64string (white space inside is FWS, dropped). */
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Why a key record is not valid; empty when it is. */
function judge(list: TagList): string[] {
  const problems = [...list.problems];
  if (list.tags.has('v') && list.first !== 'v') problems.push('v= must be the first tag (RFC 6376 §3.6.1)');
  const p = list.tags.get('p');
  if (p === undefined) problems.push('no p= tag (RFC 6376 §3.6.1: required)');
  else if (p.replace(/\s+/g, '') !== '' && !BASE64.test(p.replace(/\s+/g, ''))) problems.push('p= is not base64 (RFC 6376 §3.6.1)');
  // key-s-tag: a colon-separated list; verifiers MUST ignore a record that does not list their service type.
  const s = list.tags.get('s');
  if (s !== undefined && !s.split(':').some((t) => ['email', '*'].includes(t.trim().toLowerCase()))) problems.push('s= lists neither email nor *: not a key for mail (RFC 6376 §3.6.1)');
  return problems;
}

export function parseDkim(texts: readonly string[]): DkimParsed {
  const discarded: string[] = [];
  const candidates = texts
    .map((text) => ({ text, list: parseTagList(text, 'RFC 6376 §3.2') }))
    .filter(({ list }) => {
      const v = list.tags.get('v');
      if (v !== undefined && v !== 'DKIM1') discarded.push(`v=${v}`);
      return v === 'DKIM1' || (v === undefined && list.tags.has('p'));
    });
  if (candidates.length === 0) {
    const why = discarded.length > 0 ? `a record with ${discarded.join(', ')} is discarded` : 'no p= tag';
    return { record: null, keyType: null, revoked: false, problems: texts.length > 0 ? [`no DKIM key record (${why}, RFC 6376 §3.6.1)`] : [] };
  }
  const judged = candidates.map((c) => ({ ...c, problems: judge(c.list) }));
  const chosen = judged.find((c) => c.problems.length === 0) ?? judged[0]!;
  const problems = [...chosen.problems];
  if (candidates.length > 1) problems.push(`${candidates.length} key records: the results are undefined (RFC 6376 §3.6.2.2); the first valid one is used (§6.1.2)`);
  if (chosen.problems.length > 0) return { record: chosen.text, keyType: null, revoked: false, problems };
  const p = chosen.list.tags.get('p')!.replace(/\s+/g, '');
  return { record: chosen.text, keyType: chosen.list.tags.get('k') ?? 'rsa', revoked: p === '', problems };
}
