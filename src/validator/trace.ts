/**
 * Trace lines (like delv +vtrace): which keys, DS records and signatures a
 * step of the walk looked at, and with what verdict.
 */
import { nameToText } from '../wire/name.js';
import type { RR } from '../wire/message.js';
import type { RRset, RrsetCheck } from '../dnssec/rrsig.js';
import { dnskeyOf, type DsData } from '../dnssec/records.js';
import { rrsetLabel } from './reasons.js';
import type { TraceDs, TraceKey, TraceSignature } from './result.js';

export function traceKeys(keyset: RRset | undefined, trusted: ReadonlySet<RR>): TraceKey[] {
  if (!keyset) return [];
  const out: TraceKey[] = [];
  for (const rr of keyset.rrs) {
    const k = dnskeyOf(rr);
    if (k) out.push({ keyTag: k.keyTag, algorithm: k.algorithm, flags: k.flags, trusted: trusted.has(rr) });
  }
  return out;
}

export function dsTrace(d: DsData, supported: boolean, matched: boolean): TraceDs {
  return { keyTag: d.keyTag, algorithm: d.algorithm, digestType: d.digestType, supported, matched };
}

/** Trace lines for the RRSIG checks of one RRset. */
export function traceChecks(rrset: RRset, check: RrsetCheck): TraceSignature[] {
  const label = rrsetLabel(rrset.name, rrset.type);
  const out: TraceSignature[] = [];
  const failures = check.ok ? check.failures : check.checks;
  for (const c of failures) {
    if (c.ok || !c.sig) continue;
    out.push({ rrset: label, signer: nameToText(c.sig.signerName), keyTag: c.sig.keyTag, algorithm: c.sig.algorithm, result: c.failure });
  }
  if (check.ok) {
    out.push({ rrset: label, signer: nameToText(check.sig.signerName), keyTag: check.sig.keyTag, algorithm: check.sig.algorithm, result: 'valid' });
  } else if (check.failure === 'no-rrsig') {
    out.push({ rrset: label, signer: '-', keyTag: 0, algorithm: 0, result: 'no RRSIG' });
  }
  return out;
}
