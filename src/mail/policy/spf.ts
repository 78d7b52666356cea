/**
 * The SPF record of a domain (RFC 7208): among the TXT records, those that
 * start with "v=spf1" (§4.5, case-insensitive, then a space or the end),
 * each record's strings concatenated without separators (§3.3). Exactly one
 * is the record; none is "none"; more than one is a permerror (§4.5).
 */
export interface SpfParsed {
  readonly record: string | null;
  readonly problems: readonly string[];
}

const SPF_VERSION = /^v=spf1( |$)/i;

export function parseSpf(texts: readonly string[]): SpfParsed {
  const spf = texts.filter((t) => SPF_VERSION.test(t));
  if (spf.length === 0) return { record: null, problems: [] };
  if (spf.length > 1) return { record: null, problems: [`permerror: ${spf.length} v=spf1 records (RFC 7208 §4.5)`] };
  const record = spf[0]!;
  const problems: string[] = [];
  if (!/\s[~?+-]?all\s*$/i.test(record) && !/\sredirect=/i.test(record)) problems.push('no "all" mechanism or redirect: the default result is neutral (RFC 7208 §4.7)');
  return { record, problems };
}
