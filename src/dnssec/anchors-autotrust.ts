/**
 * Unbound's autotrust files (auto-trust-anchor-file): DNSKEY/DS records, each
 * with its RFC 5011 state in a comment, `;;state=N [ NAME ] ... ;;lastchange=T`.
 * Only keys in a trusted state are anchors (RFC 5011 §4): VALID, and ADDPEND
 * once the add hold-down has passed since its last change (§2.4.1). START,
 * MISSING, REVOKED and REMOVED keys are not (issue 10 correction 6; RFC 5011
 * keeps a MISSING key as a trust point, but a stub that reads a file cannot
 * see why it went missing, and fails closed).
 */
import type { RR } from '../wire/message.js';

/** RFC 5011 §2.4.1: the add hold-down, 30 days (the key's TTL is shorter for every root key). */
export const ADD_HOLD_DOWN_SECONDS = 30 * 86400;

/** Unbound's autr state numbers (validator/autotrust.h). */
const STATE = { START: 0, ADDPEND: 1, VALID: 2, MISSING: 3, REVOKED: 4, REMOVED: 5 } as const;

const STATE_RE = /;;state=(\d+)/;
const LASTCHANGE_RE = /;;lastchange=(\d+)/;

/** Whether `text` is an autotrust file (its records carry states). */
export function isAutotrustText(text: string): boolean {
  return /^[^;\n]*;.*;;state=\d+/m.test(text);
}

/**
 * The records of an autotrust file that are trust anchors at `now`, and a
 * summary of those left out (for the error when none is left).
 */
export function trustedAutotrustRecords<T extends { rr: RR; line: number }>(text: string, rrs: readonly T[], now: number): { kept: T[]; dropped: string[] } {
  const lines = text.split('\n');
  const kept: T[] = [];
  const dropped: string[] = [];
  for (const r of rrs) {
    const line = lines[r.line - 1] ?? '';
    const state = Number(STATE_RE.exec(line)?.[1] ?? NaN);
    const lastchange = Number(LASTCHANGE_RE.exec(line)?.[1] ?? NaN);
    const ok = state === STATE.VALID || (state === STATE.ADDPEND && Number.isFinite(lastchange) && now >= lastchange + ADD_HOLD_DOWN_SECONDS);
    if (ok) kept.push(r);
    else dropped.push(`line ${r.line}: state ${Number.isFinite(state) ? state : 'missing'}`);
  }
  return { kept, dropped };
}
