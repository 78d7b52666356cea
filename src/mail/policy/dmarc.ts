/**
 * The DMARC record at `_dmarc.<domain>` (RFC 7489 §6.3, §6.4, §6.6.3):
 * records starting with "v=DMARC1"; exactly one, else no policy. `v` must be
 * the first tag, `p` is required and one of none, quarantine, reject.
 */
import { parseTagList, recordsWithVersion } from './tags.js';

export interface DmarcParsed {
  readonly record: string | null;
  readonly policy: string | null;
  readonly tags: Readonly<Record<string, string>>;
  readonly problems: readonly string[];
}

const POLICIES = new Set(['none', 'quarantine', 'reject']);

export function parseDmarc(texts: readonly string[]): DmarcParsed {
  const found = recordsWithVersion(texts, 'v=DMARC1');
  if (found.length === 0) return { record: null, policy: null, tags: {}, problems: [] };
  if (found.length > 1) return { record: null, policy: null, tags: {}, problems: [`${found.length} v=DMARC1 records: no policy applies (RFC 7489 §6.6.3)`] };
  const record = found[0]!;
  const list = parseTagList(record, 'RFC 7489 §6.4');
  const problems = [...list.problems];
  const tags: Record<string, string> = {};
  for (const [k, v] of list.tags) tags[k.toLowerCase()] = v;
  if (list.first !== 'v') problems.push('v=DMARC1 must be the first tag (RFC 7489 §6.4)');
  const p = tags['p']?.toLowerCase();
  let policy: string | null = null;
  if (p === undefined) problems.push('no p= tag (RFC 7489 §6.3: required)');
  else if (!POLICIES.has(p)) problems.push(`p=${tags['p']} is not none, quarantine or reject (RFC 7489 §6.3)`);
  else policy = p;
  if (tags['sp'] !== undefined && !POLICIES.has(tags['sp'].toLowerCase())) problems.push(`sp=${tags['sp']} is not none, quarantine or reject (RFC 7489 §6.3)`);
  if (tags['pct'] !== undefined && !/^(100|[1-9]?\d)$/.test(tags['pct'])) problems.push(`pct=${tags['pct']} is not 0-100 (RFC 7489 §6.3)`);
  return { record, policy, tags, problems };
}
