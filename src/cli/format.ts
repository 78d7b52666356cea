/**
 * What `dnssec-stub` prints: the answer as dig's answer section plus a
 * status line (like delv), the JSON object of --json, and the chain of
 * trust of --trace (like delv +vtrace).
 */
import type { Reason } from '../types.js';
import type { ChainStep, ValidationResult } from '../validator/result.js';

export interface Style {
  readonly color: boolean;
}

const ANSI = { green: '\x1b[32m', yellow: '\x1b[33m', red: '\x1b[31m', dim: '\x1b[2m', reset: '\x1b[0m' } as const;

function paint(style: Style, color: keyof typeof ANSI, text: string): string {
  return style.color ? `${ANSI[color]}${text}${ANSI.reset}` : text;
}

/** "text (EDE n, zone z., key tag k)"; EDE 0 (Other) is left out when `showOther` is false. */
export function reasonText(r: Reason, showOther = true): string {
  const extra = [r.ede !== null && (r.ede !== 0 || showOther) ? `EDE ${r.ede}` : undefined, r.zone !== undefined ? `zone ${r.zone}` : undefined, r.keyTag !== undefined ? `key tag ${r.keyTag}` : undefined];
  const shown = extra.filter((x) => x !== undefined);
  return shown.length > 0 ? `${r.text} (${shown.join(', ')})` : r.text;
}

/** NXDOMAIN, NODATA, or undefined for a positive answer. */
export function negativeKind(result: ValidationResult): 'NXDOMAIN' | 'NODATA' | undefined {
  if (result.rcode === 'NXDOMAIN') return 'NXDOMAIN';
  if (result.status === 'bogus') return undefined;
  if (result.rcode === 'NOERROR' && !result.records.some((r) => r.type === result.type)) return 'NODATA';
  return undefined;
}

/**
 * The status line(s):
 *   ; fully validated                                 secure
 *   ; NXDOMAIN, fully validated                       secure denial (also NODATA)
 *   ; unsigned answer (insecure): <why>               insecure (also "; NODATA, unsigned ...")
 *   ; bogus: <reason> (EDE n, zone z.)                bogus, then "; also: <reason>" per further reason
 */
export function statusLines(result: ValidationResult, style: Style): string[] {
  const neg = negativeKind(result);
  const prefix = neg ? `${neg}, ` : '';
  const [first, ...more] = result.reasons;
  switch (result.status) {
    case 'secure':
      return [paint(style, 'green', `; ${prefix}fully validated`)];
    case 'insecure':
      return [paint(style, 'yellow', `; ${prefix}unsigned answer (insecure)${first ? `: ${reasonText(first, false)}` : ''}`)];
    case 'bogus':
      return [
        paint(style, 'red', `; bogus: ${first ? reasonText(first) : 'validation failed'}`),
        ...more.map((r) => paint(style, 'red', `; also: ${reasonText(r)}`)),
      ];
  }
}

/** The answer records (tab-separated, as dig's answer section) and the status line, newline-terminated. */
export function formatText(result: ValidationResult, style: Style): string {
  const lines = [...result.records.map((r) => r.text), ...statusLines(result, style)];
  return lines.join('\n') + '\n';
}

/** The object printed by --json (stable key order; absent zone/keyTag are null). */
export interface JsonOutput {
  readonly status: ValidationResult['status'];
  readonly name: string;
  readonly type: string;
  readonly rcode: string;
  readonly records: readonly string[];
  readonly ttl: number;
  readonly reasons: readonly { ede: number | null; text: string; zone: string | null; keyTag: number | null }[];
  readonly chain: readonly ChainStep[];
}

export function toJson(result: ValidationResult): JsonOutput {
  return {
    status: result.status,
    name: result.name,
    type: result.type,
    rcode: result.rcode,
    records: result.records.map((r) => r.text),
    ttl: result.ttl,
    reasons: result.reasons.map((r) => ({ ede: r.ede, text: r.text, zone: r.zone ?? null, keyTag: r.keyTag ?? null })),
    chain: result.chain,
  };
}

/** The --json object for "no answer" (exit 3): status "error" and the cause. */
export function errorJson(name: string | undefined, type: string | undefined, error: string): string {
  return JSON.stringify({ status: 'error', name: name ?? null, type: type ?? null, error }) + '\n';
}

function keyRole(flags: number): string {
  if ((flags & 0x0100) === 0) return 'not a zone key';
  if (flags & 0x0080) return 'revoked';
  return flags & 0x0001 ? 'KSK' : 'ZSK';
}

const KIND_TEXT: Record<ChainStep['kind'], string> = {
  anchor: 'trust anchor',
  delegation: 'delegation',
  answer: 'answer',
  denial: 'denial of existence',
  cname: 'CNAME',
  dname: 'DNAME',
  wildcard: 'wildcard',
};

/**
 * The chain as walked, zone by zone, each line starting with ";; " (it goes
 * to stderr; stdout keeps only the answer):
 *
 *   ;; zone lab. (delegation): secure
 *   ;;   DS      tag 50204 alg 13 digest 2  matched
 *   ;;   DNSKEY  tag 50204 alg 13 flags 257 (KSK)  trusted
 *   ;;   RRSIG   lab. DNSKEY by lab. key 50204 alg 13: valid
 */
export function formatTrace(result: ValidationResult, validationTime: number, style: Style): string {
  const out: string[] = [`;; chain of trust for ${result.name} ${result.type} at ${new Date(validationTime * 1000).toISOString()}`];
  for (const step of result.chain) {
    const verdict = step.status === 'secure' ? paint(style, 'green', 'secure') : step.status === 'insecure' ? paint(style, 'yellow', 'insecure') : paint(style, 'red', 'bogus');
    out.push(`;; zone ${step.zone} (${KIND_TEXT[step.kind]}): ${verdict}${step.note ? ` - ${step.note}` : ''}`);
    for (const ds of step.ds ?? []) {
      const notes = [ds.supported ? undefined : 'unsupported', ds.matched ? 'matched' : undefined].filter((x) => x !== undefined);
      out.push(`;;   DS      tag ${ds.keyTag} alg ${ds.algorithm} digest ${ds.digestType}${notes.length ? `  ${notes.join(', ')}` : ''}`);
    }
    for (const key of step.dnskeys ?? []) {
      out.push(`;;   DNSKEY  tag ${key.keyTag} alg ${key.algorithm} flags ${key.flags} (${keyRole(key.flags)})${key.trusted ? '  trusted' : ''}`);
    }
    for (const sig of step.signatures) {
      const by = sig.keyTag === 0 && sig.signer === '-' ? '' : ` by ${sig.signer} key ${sig.keyTag} alg ${sig.algorithm}`;
      out.push(`;;   RRSIG   ${sig.rrset}${by}: ${sig.result}`);
    }
  }
  out.push(`;; verdict: ${result.status}${result.reasons[0] ? ` - ${reasonText(result.reasons[0])}` : ''}`);
  return out.join('\n') + '\n';
}
