/**
 * The transport-security TXT records: MTA-STS at `_mta-sts.<domain>`
 * (RFC 8461 §3.1: "v=STSv1; id=<1-32 alphanumerics>", more than one record
 * means no policy) and TLS-RPT at `_smtp._tls.<domain>` (RFC 8460 §3:
 * "v=TLSRPTv1; rua=<mailto: or https: URIs, comma-separated>").
 */
import { parseTagList, recordsWithVersion } from './tags.js';

export interface MtaStsParsed {
  readonly record: string | null;
  readonly id: string | null;
  readonly problems: readonly string[];
}

export function parseMtaSts(texts: readonly string[]): MtaStsParsed {
  const found = recordsWithVersion(texts, 'v=STSv1');
  if (found.length === 0) return { record: null, id: null, problems: [] };
  if (found.length > 1) return { record: null, id: null, problems: [`${found.length} v=STSv1 records: no policy (RFC 8461 §3.1)`] };
  const record = found[0]!;
  const list = parseTagList(record, 'RFC 8461 §3.1');
  const problems = [...list.problems];
  const id = list.tags.get('id');
  if (id === undefined) problems.push('no id= tag (RFC 8461 §3.1: required)');
  else if (!/^[A-Za-z0-9]{1,32}$/.test(id)) problems.push(`id=${id} is not 1-32 letters and digits (RFC 8461 §3.1)`);
  return { record, id: id !== undefined && /^[A-Za-z0-9]{1,32}$/.test(id) ? id : null, problems };
}

export interface TlsRptParsed {
  readonly record: string | null;
  readonly rua: readonly string[];
  readonly problems: readonly string[];
}

export function parseTlsRpt(texts: readonly string[]): TlsRptParsed {
  const found = recordsWithVersion(texts, 'v=TLSRPTv1');
  if (found.length === 0) return { record: null, rua: [], problems: [] };
  if (found.length > 1) return { record: null, rua: [], problems: [`${found.length} v=TLSRPTv1 records: no reporting (RFC 8460 §3)`] };
  const record = found[0]!;
  const list = parseTagList(record, 'RFC 8460 §3');
  const problems = [...list.problems];
  const ruaText = list.tags.get('rua');
  const rua = ruaText === undefined ? [] : ruaText.split(',').map((u) => u.trim()).filter((u) => u !== '');
  if (ruaText === undefined) problems.push('no rua= tag (RFC 8460 §3: required)');
  for (const u of rua) if (!/^(mailto:|https:)/i.test(u)) problems.push(`rua ${u} is neither mailto: nor https: (RFC 8460 §3)`);
  return { record, rua, problems };
}
