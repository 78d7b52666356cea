/**
 * The transport-security TXT records, which share one shape: MTA-STS at
 * `_mta-sts.<domain>` (RFC 8461 §3.1, "v=STSv1; id=<1-32 alphanumerics>")
 * and TLS-RPT at `_smtp._tls.<domain>` (RFC 8460 §3, "v=TLSRPTv1;
 * rua=<URIs>").
 * - The version is a case-sensitive literal (%s"v=STSv1", %s"v=TLSRPTv1").
 *   When several TXT records are returned, those that do not begin with
 *   "v=STSv1;" / "v=TLSRPTv1;" are discarded; not exactly one left means no
 *   policy / no reporting. A lone record is read by the ABNF, whose
 *   field-delim (*WSP ";" *WSP) allows white space before the first ";".
 * - The strings of the TXT record are concatenated (by the TXT reader).
 * - Fields are name=value with no white space around "=", separated by
 *   field-delim, with one optional trailing delimiter; extension names
 *   (ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / "."), values of
 *   %x21-3A / %x3C / %x3E-7E. A syntactically invalid record gives no policy
 *   (RFC 8461 §3.1) and no reporting address (RFC 8460 §3).
 */
import { isReportUri, uriList } from './uri.js';
import { trimWsp, trimWspStart } from './wsp.js';

export interface MtaStsParsed {
  readonly record: string | null;
  readonly id: string | null;
  readonly problems: readonly string[];
}

export interface TlsRptParsed {
  readonly record: string | null;
  readonly rua: readonly string[];
  readonly problems: readonly string[];
}

interface Field {
  readonly name: string;
  readonly value: string;
}

const EXT_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/;
const EXT_VALUE = /^[\x21-\x3a\x3c\x3e-\x7e]+$/;
const STS_ID = /^[A-Za-z0-9]{1,32}$/;

/** The records that count: several TXT records keep only exact "<version>;" starts; a lone one may have white space before ";". */
function selectRecords(texts: readonly string[], version: string): string[] {
  if (texts.length > 1) return texts.filter((t) => t.startsWith(`${version};`));
  return texts.filter((t) => t.startsWith(version) && /^[ \t]*;/.test(t.slice(version.length)));
}

/** The fields after the version; `valid` false for anything outside the ABNF. `checks` give the value rule of known fields. */
function readFields(record: string, version: string, rfc: string, checks: ReadonlyMap<string, (value: string) => string | null>) {
  const problems: string[] = [];
  let valid = true;
  const fail = (problem: string): void => {
    valid = false;
    problems.push(problem);
  };
  const body = record.slice(version.length);
  if (!body.startsWith(';')) problems.push(`white space before ";": the record does not begin with "${version};" (${rfc} discards it when several TXT records are returned)`);
  const items = body.slice(body.indexOf(';') + 1).split(';');
  const fields: Field[] = [];
  for (const [i, raw] of items.entries()) {
    const last = i === items.length - 1;
    const item = last ? trimWspStart(raw) : trimWsp(raw);
    if (last && item === '') break; // the optional trailing field-delim, or no field at all
    const eq = item.indexOf('=');
    const name = eq < 0 ? '' : item.slice(0, eq);
    const value = item.slice(eq + 1);
    if (!EXT_NAME.test(name)) {
      fail(`"${item}" is not name=value without white space (${rfc})`);
      continue;
    }
    const check = checks.get(name);
    const problem = check ? check(value) : EXT_VALUE.test(value) ? null : `${name}=${value}: not a field value (${rfc})`;
    if (problem !== null) fail(problem);
    else fields.push({ name, value });
  }
  return { fields, problems, valid };
}

export function parseMtaSts(texts: readonly string[]): MtaStsParsed {
  const found = selectRecords(texts, 'v=STSv1');
  if (found.length === 0) return { record: null, id: null, problems: [] };
  if (found.length > 1) return { record: null, id: null, problems: [`${found.length} v=STSv1 records: no policy (RFC 8461 §3.1)`] };
  const record = found[0]!;
  const checkId = (v: string): string | null => (STS_ID.test(v) ? null : `id=${v} is not 1-32 letters and digits (RFC 8461 §3.1)`);
  const { fields, problems, valid } = readFields(record, 'v=STSv1', 'RFC 8461 §3.1', new Map([['id', checkId]]));
  const ids = fields.filter((f) => f.name === 'id');
  if (ids.length === 0 && !problems.some((p) => p.startsWith('id='))) problems.push('no id= field (RFC 8461 §3.1: required)');
  if (ids.length > 1) problems.push(`${ids.length} id= fields: the first is used (as RFC 8461 §3.2 for policy fields)`);
  if (!valid && ids.length > 0) problems.push('the record is not valid: no policy (RFC 8461 §3.1)');
  return { record, id: valid && ids.length > 0 ? ids[0]!.value : null, problems };
}

export function parseTlsRpt(texts: readonly string[]): TlsRptParsed {
  const found = selectRecords(texts, 'v=TLSRPTv1');
  if (found.length === 0) return { record: null, rua: [], problems: [] };
  if (found.length > 1) return { record: null, rua: [], problems: [`${found.length} v=TLSRPTv1 records: no reporting (RFC 8460 §3)`] };
  const record = found[0]!;
  const checkRua = (v: string): string | null => (uriList(v).every(isReportUri) ? null : `rua=${v} is not a list of URIs with "," and "!" encoded (RFC 8460 §3)`);
  const { fields, problems, valid } = readFields(record, 'v=TLSRPTv1', 'RFC 8460 §3', new Map([['rua', checkRua]]));
  const rua = valid ? fields.filter((f) => f.name === 'rua').flatMap((f) => uriList(f.value)) : [];
  if (!fields.some((f) => f.name === 'rua') && !problems.some((p) => p.startsWith('rua='))) problems.push('no rua= field (RFC 8460 §3: required)');
  if (!valid) problems.push('the record is not valid: no reporting address (RFC 8460 §3)');
  for (const u of rua) if (!/^(mailto|https):/i.test(u)) problems.push(`rua ${u} is neither mailto: nor https: (RFC 8460 §3)`);
  return { record, rua, problems };
}
