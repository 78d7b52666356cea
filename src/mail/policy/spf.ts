/**
 * The SPF record of a domain (RFC 7208): among the TXT records, those that
 * start with "v=spf1" (§4.5; §12: a case-insensitive literal, then a space
 * or the end), each record's strings concatenated without separators
 * (§3.3). Exactly one is the record; none is "none"; more than one is a
 * permerror (§4.5), and so is a syntax error in its terms (§4.6,
 * spf-terms.ts).
 */
import { spfTermError } from './spf-terms.js';

export interface SpfParsed {
  readonly record: string | null;
  readonly problems: readonly string[];
}

const SPF_VERSION = /^v=spf1( |$)/i;
/** §5.1 the "all" mechanism with its optional qualifier (§4.6.2). */
const ALL = /^[+?~-]?all$/i;
/** §6.1 the "redirect" modifier. */
const REDIRECT = /^redirect=/i;

export function parseSpf(texts: readonly string[]): SpfParsed {
  const spf = texts.filter((t) => SPF_VERSION.test(t));
  if (spf.length === 0) return { record: null, problems: [] };
  if (spf.length > 1) return { record: null, problems: [`permerror: ${spf.length} v=spf1 records (RFC 7208 §4.5)`] };
  const record = spf[0]!;
  // §4.6.1: terms are separated by 1*SP; modifiers such as exp= may follow "all" (§6.2).
  const terms = record.split(' ').slice(1).filter((t) => t !== '');
  const error = spfTermError(terms);
  if (error !== null) return { record, problems: [error] };
  const problems: string[] = [];
  if (!terms.some((t) => ALL.test(t) || REDIRECT.test(t))) problems.push('no "all" mechanism or redirect: the default result is neutral (RFC 7208 §4.7)');
  return { record, problems };
}
