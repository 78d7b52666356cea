/**
 * A DKIM key record at `<selector>._domainkey.<domain>` (RFC 6376 §3.6.1):
 * a tag list; v=DKIM1 optional but first when present; k= the key type
 * (default rsa); p= the base64 public key, required, empty when revoked.
 */
import { parseTagList } from './tags.js';

export interface DkimParsed {
  readonly record: string | null;
  readonly keyType: string | null;
  readonly revoked: boolean;
  readonly problems: readonly string[];
}

export function parseDkim(texts: readonly string[]): DkimParsed {
  const candidates = texts.filter((t) => /(^|;)\s*p\s*=/.test(t));
  if (candidates.length === 0) return { record: null, keyType: null, revoked: false, problems: texts.length > 0 ? ['no DKIM key record (no p= tag, RFC 6376 §3.6.1)'] : [] };
  const record = candidates[0]!;
  const list = parseTagList(record, 'RFC 6376 §3.2');
  const problems = [...list.problems];
  if (candidates.length > 1) problems.push(`${candidates.length} key records: the first is used (RFC 6376 §3.6.2.2)`);
  const v = list.tags.get('v');
  if (v !== undefined && (v !== 'DKIM1' || list.first !== 'v')) problems.push('v= must be DKIM1 and the first tag (RFC 6376 §3.6.1)');
  const keyType = list.tags.get('k') ?? 'rsa';
  const p = (list.tags.get('p') ?? '').replace(/\s+/g, '');
  if (p !== '' && !/^[A-Za-z0-9+/]+={0,2}$/.test(p)) problems.push('p= is not base64 (RFC 6376 §3.6.1)');
  return { record, keyType, revoked: p === '', problems };
}
