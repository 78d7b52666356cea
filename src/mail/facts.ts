/**
 * Facts for a mail report, each with the status the validator gave it:
 * every lookup goes through one Validator (one cache, questions in
 * parallel). No decisions here beyond which questions follow from which
 * answers (RFC 5321 §5.1 MX order and implicit MX, RFC 7505 null MX,
 * RFC 7672 §2.2.2-§2.2.3 TLSA base domains).
 */
import { EDE } from '../types.js';
import { because } from '../validator/reasons.js';
import { UpstreamError, type ValidationResult } from '../validator/result.js';
import { ValidationInputError, type Validator } from '../validator/validator.js';
import { readMx, readTlsa, readTxt } from '../validator/typed.js';
import type { Lookup, LookupStatus, TlsaJudged } from './types.js';
import { judgeMalformedTlsa, judgeTlsa } from './tlsa-usable.js';

/** MX hosts looked at per domain (a hostile MX RRset cannot make a report ask thousands of questions). */
export const MAX_MX_HOSTS = 16;

/** A lookup and its typed final records. */
export interface Fact<T> {
  readonly lookup: Lookup;
  readonly records: readonly T[];
}

const RANK: Record<LookupStatus, number> = { bogus: 0, error: 1, insecure: 2, secure: 3 };

/** The weakest of the statuses (bogus < error < insecure < secure); secure for none. */
export function weakest(statuses: readonly LookupStatus[]): LookupStatus {
  let out: LookupStatus = 'secure';
  for (const s of statuses) if (RANK[s] < RANK[out]) out = s;
  return out;
}

/** Lower-case name with trailing dot, for comparisons. */
export function canonicalName(name: string): string {
  const n = name.toLowerCase();
  return n.endsWith('.') ? n : `${n}.`;
}

/** Follows the answer's CNAME links from the question name: the name the final RRset belongs to. */
function expandedName(result: ValidationResult): string {
  let current = canonicalName(result.name);
  for (let i = 0; i <= result.records.length; i++) {
    const link = result.records.find((r) => r.type === 'CNAME' && canonicalName(r.name) === current);
    if (!link) break;
    current = canonicalName(link.data);
  }
  return current;
}

/** Validates (name, type); "no answer" and impossible names become an "error" lookup, never a throw. */
export async function lookup<T>(v: Validator, name: string, type: string, read: (rdata: Uint8Array) => T | undefined): Promise<Fact<T>> {
  let result: ValidationResult;
  try {
    result = await v.validate(name, type);
  } catch (e) {
    if (!(e instanceof UpstreamError) && !(e instanceof ValidationInputError)) throw e;
    const reason = e instanceof UpstreamError ? because({ kind: 'no-answer', detail: e.message, ede: e.ede }) : { kind: 'no-answer' as const, ede: EDE.NETWORK_ERROR, text: e.message };
    const lookup: Lookup = { name: canonicalName(name), type, status: 'error', rcode: null, expanded: canonicalName(name), data: [], reasons: [reason] };
    return { lookup, records: [] };
  }
  const finals = result.records.filter((r) => r.type === result.type);
  const records: T[] = [];
  for (const r of finals) {
    const t = read(r.rdata);
    if (t !== undefined) records.push(t);
  }
  const lookup: Lookup = {
    name: result.name,
    type: result.type,
    status: result.status,
    rcode: result.rcode,
    expanded: expandedName(result),
    data: finals.map((r) => r.data),
    reasons: result.reasons,
  };
  return { lookup, records };
}

export const mxFact = (v: Validator, domain: string) => lookup(v, domain, 'MX', readMx);
export const txtFact = (v: Validator, name: string) => lookup(v, name, 'TXT', (rdata) => readTxt(rdata)?.text);

/** A host as the MX RRset names it (or the implicit MX). */
export interface HostName {
  readonly name: string;
  readonly preference: number;
}

/**
 * The hosts to deliver to, from the MX lookup: none for a bogus or failed
 * MX (RFC 7672 §2.1.1), a non-existent domain or a null MX (RFC 7505 §3);
 * the domain itself when there is no MX RRset (RFC 5321 §5.1); else the
 * exchanges by preference, duplicates and "." dropped, at most MAX_MX_HOSTS.
 */
export function hostsOf(domain: string, mx: Fact<{ preference: number; exchange: string }>): { hosts: HostName[]; nullMx: boolean; implicit: boolean } {
  const l = mx.lookup;
  if (l.status === 'bogus' || l.status === 'error' || l.rcode === 'NXDOMAIN') return { hosts: [], nullMx: false, implicit: false };
  if (mx.records.length === 1 && mx.records[0]!.exchange === '.') return { hosts: [], nullMx: true, implicit: false };
  if (mx.records.length === 0) return { hosts: [{ name: canonicalName(domain), preference: 0 }], nullMx: false, implicit: true };
  const seen = new Set<string>();
  const hosts: HostName[] = [];
  for (const r of [...mx.records].sort((a, b) => a.preference - b.preference)) {
    const name = canonicalName(r.exchange);
    if (name === '.' || seen.has(name)) continue;
    seen.add(name);
    hosts.push({ name, preference: r.preference });
    if (hosts.length >= MAX_MX_HOSTS) break;
  }
  return { hosts, nullMx: false, implicit: false };
}

export interface HostFactsGathered {
  readonly host: HostName;
  readonly a: Fact<unknown>;
  readonly aaaa: Fact<unknown>;
  readonly addressStatus: LookupStatus;
  /** A and AAAA records found. */
  readonly addressCount: number;
  readonly expanded: string;
  /** TLSA lookups: the expanded name's first when it differs (RFC 7672 §2.2.3), then the host's own; none where DANE does not apply. */
  readonly tlsa: readonly Fact<TlsaJudged>[];
}

const anyRecord = (rdata: Uint8Array): unknown => rdata;
const judged = (rdata: Uint8Array): TlsaJudged => {
  const t = readTlsa(rdata);
  return t ? judgeTlsa(t) : judgeMalformedTlsa(rdata);
};

export const tlsaName = (host: string): string => `_25._tcp.${canonicalName(host) === '.' ? '' : canonicalName(host)}`;

/** The TLSA RRset of `host` at `_25._tcp.<host>`, each record judged (a malformed one too: unusable). */
export const tlsaFact = (v: Validator, host: string): Promise<Fact<TlsaJudged>> => lookup(v, tlsaName(host), 'TLSA', judged);

/**
 * A and AAAA of one host, then its TLSA — only where DANE applies: a secure
 * MX RRset (RFC 7672 §2.2.1) and secure address records (§2.2.2, §2.2.3),
 * as Postfix does, and at least one address (RFC 5321 §5.1); elsewhere TLSA is not asked, so its answer can neither
 * leak the question nor change the report. TLSA names: the CNAME-expanded
 * host name's first when it differs (§2.2.3), then the host's own, asked
 * in parallel.
 */
export async function gatherHost(v: Validator, host: HostName, mxStatus: LookupStatus): Promise<HostFactsGathered> {
  const [a, aaaa] = await Promise.all([lookup(v, host.name, 'A', anyRecord), lookup(v, host.name, 'AAAA', anyRecord)]);
  const from = a.lookup.status !== 'error' ? a.lookup : aaaa.lookup;
  const expanded = from.expanded;
  const addressStatus = weakest([a.lookup.status, aaaa.lookup.status]);
  const addressCount = a.records.length + aaaa.records.length;
  if (mxStatus !== 'secure' || addressStatus !== 'secure' || addressCount === 0) return { host, a, aaaa, addressStatus, addressCount, expanded, tlsa: [] };
  const names = expanded !== canonicalName(host.name) ? [expanded, host.name] : [host.name];
  const tlsa = await Promise.all(names.map((n) => tlsaFact(v, n)));
  return { host, a, aaaa, addressStatus, addressCount, expanded, tlsa };
}
