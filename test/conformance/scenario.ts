/**
 * Runs one Unbound replay scenario against the real validator and compares
 * its verdict with every CHECK_ANSWER.
 *
 * Expected verdict, from the expected reply header (test/data/conformance/README.md):
 *  - rcode SERVFAIL                           -> bogus
 *  - AD set                                   -> secure
 *  - NOERROR/NXDOMAIN/YXDOMAIN, no AD, query with DO (or AD, RFC 6840 §5.7)
 *                                             -> insecure
 *  - query without DO and without AD          -> not bogus (Unbound never sets AD
 *    then, RFC 6840 §5.8, but still answers SERVFAIL for bogus data)
 *  - query with CD                            -> not compared (validation off)
 * For a verdict that is not bogus, the rcode must match, and the answer:
 * the records the validator returns (the CNAME/DNAME links and the final
 * RRset) must equal the non-RRSIG records of the expected ANSWER section, as
 * sets of (owner lowercased, type, RDATA octets); TTLs and RRSIGs are ignored
 * (Unbound's TTLs depend on its cache clock, and our result carries no RRSIGs).
 * For qtype ANY the expected records must be a subset of ours: Unbound trims
 * large ANY answers (val_any_cap.rpl).
 * An expected EDE (MATCH ede=N) is compared with our first reason's EDE; a
 * mismatch is reported separately, not as a failure.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nameToText } from '../../src/wire/name.js';
import { RRType, typeFromText, typeToText } from '../../src/wire/rrtype.js';
import { rdataToText } from '../../src/wire/presentation.js';
import { parseAnchorText } from '../../src/dnssec/anchors.js';
import { rrsigOf } from '../../src/dnssec/records.js';
import { createValidator } from '../../src/validator/validator.js';
import type { ValidationResult } from '../../src/validator/result.js';
import { UpstreamError } from '../../src/validator/result.js';
import type { Status } from '../../src/types.js';
import { type RplEntry, type RplScenario, parseRpl } from './rpl.js';
import { ReplayResolver } from './replay-resolver.js';
import { DIFFERENCES } from './skip-table.js';
import { coverOf } from '../support/cover-of.js';

export type Expected = Status | 'not-bogus' | 'unchecked';

export interface StepOutcome {
  readonly step: number;
  readonly question: string;
  readonly expected: Expected;
  readonly expectedRcode: string;
  /** Our verdict, or 'no-answer' when the validator rejected (UpstreamError). */
  readonly got: Status | 'no-answer';
  readonly rcode?: string;
  readonly ok: boolean;
  /** Why it failed, or a note. */
  readonly detail: string;
  readonly edeExpected?: number | 'any';
  readonly edeGot?: number | null;
  /** The question has no upstream entry at all: Unbound answers it from its cache. */
  readonly notReplayable?: boolean;
  /**
   * Expected bogus, got no answer because the validator needed a DS answer
   * the scenario has no entry for (see noEntryForStubQuestion): the DS query
   * at a name that Unbound, knowing its zone cuts, never sends.
   */
  readonly noEntryFor?: string;
  readonly reasons?: string;
}

export interface ScenarioOutcome {
  readonly file: string;
  readonly verdict: 'pass' | 'fail';
  readonly steps: readonly StepOutcome[];
  /** One-line summary. */
  readonly summary: string;
  readonly edeMismatches: readonly string[];
  /** Upstream exchanges (for diagnosis). */
  readonly log: readonly string[];
}

/** Unix seconds of "YYYYMMDDHHMMSS" (UTC). */
export function parseOverrideDate(v: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(v);
  if (!m) return undefined;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) / 1000;
}

/**
 * The validation time. val-override-date gives it; "-1" (Unbound: no time
 * checks) has no equivalent switch in the validator, so the time is the
 * middle of the intersection of every RRSIG's validity window in the file
 * (RFC 4034 §3.1.5), i.e. a time at which no signature is expired or not yet
 * valid.
 */
export function scenarioTime(sc: RplScenario): number {
  const v = sc.config.valOverrideDate;
  const fixed = v === undefined ? undefined : parseOverrideDate(v);
  if (fixed !== undefined) return fixed;
  let lo = 0;
  let hi = 0xffffffff;
  for (const r of sc.ranges)
    for (const e of r.entries)
      for (const rr of [...e.answer, ...e.authority, ...e.additional]) {
        const sig = rr.type === RRType.RRSIG ? rrsigOf(rr) : undefined;
        if (!sig) continue;
        hi = Math.min(hi, sig.expiration);
        lo = Math.max(lo, sig.inception);
      }
  if (lo > hi) throw new Error(`${sc.file}: val-override-date ${v ?? '(none)'} and the RRSIG validity windows do not intersect`);
  return Math.floor((lo + hi) / 2);
}

function expectationOf(query: RplEntry, check: RplEntry): Expected {
  if (query.flags.has('CD')) return 'unchecked';
  if (check.rcode === 'SERVFAIL') return 'bogus';
  if (check.flags.has('AD')) return 'secure';
  if (query.flags.has('DO') || query.flags.has('AD')) return 'insecure';
  return 'not-bogus';
}

function recordKey(name: string, type: string, rdataHex: string): string {
  return `${name.toLowerCase()} ${type} ${rdataHex}`;
}

function expectedRecords(check: RplEntry): string[] {
  return check.answer
    .filter((rr) => rr.type !== RRType.RRSIG)
    .map((rr) => recordKey(nameToText(rr.name), typeToText(rr.type), Buffer.from(rr.rdata).toString('hex')))
    .sort();
}

function ourRecords(res: ValidationResult): string[] {
  return res.records.map((r) => recordKey(r.name, typeFromText(r.type) === undefined ? r.type : typeToText(typeFromText(r.type)!), Buffer.from(r.rdata).toString('hex'))).sort();
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const sa = new Set(a);
  const sb = new Set(b);
  return sa.size === sb.size && [...sa].every((x) => sb.has(x));
}

function describeRecords(keys: readonly string[]): string {
  return keys.length === 0 ? '(none)' : keys.map((k) => {
    const [name, type, hex] = k.split(' ');
    const t = typeFromText(type!);
    return `${name} ${type} ${t === undefined ? hex : rdataToText(t, Buffer.from(hex!, 'hex'))}`;
  }).join('; ');
}

/**
 * The validation time at each step: the scenario's date, moved on by every
 * TIME_PASSES step before it, as Unbound's clock is (issue 10 correction 7).
 */
export function validationTimes(sc: RplScenario): Map<number, number> {
  const out = new Map<number, number>();
  let now = scenarioTime(sc);
  for (const st of sc.steps) {
    if (st.kind === 'TIME_PASSES' && 'elapse' in st) now += st.elapse;
    out.set(st.step, now);
  }
  return out;
}

/** Runs every QUERY/CHECK_ANSWER pair of a scenario with one validator (its key cache spans the steps). */
export async function runScenario(sc: RplScenario): Promise<ScenarioOutcome> {
  const resolver = new ReplayResolver(sc);
  const times = validationTimes(sc);
  let now = scenarioTime(sc);
  const validator = createValidator({
    source: resolver,
    // No trust-anchor line (val_adcopy.rpl): no anchors, everything is insecure.
    trustAnchors: sc.config.trustAnchors.length ? parseAnchorText(sc.config.trustAnchors.join('\n'), `${sc.file} trust-anchor`) : [],
    clock: () => now,
    crypto: { legacyAlgorithms: true },
    prefetch: false,
  });
  const steps: StepOutcome[] = [];
  const edeMismatches: string[] = [];
  let query: { step: number; entry: RplEntry } | undefined;
  for (const st of sc.steps) {
    if (st.kind === 'QUERY' && 'entry' in st) {
      query = { step: st.step, entry: st.entry };
      continue;
    }
    now = times.get(st.step) ?? now;
    if (st.kind !== 'CHECK_ANSWER' || !('entry' in st)) continue; // TRAFFIC
    if (!query) throw new Error(`${sc.file}: CHECK_ANSWER at step ${st.step} without a QUERY`);
    const q = query.entry.question;
    if (!q) throw new Error(`${sc.file}: QUERY at step ${query.step} without a question`);
    const question = `${nameToText(q.name)} ${typeToText(q.type)}`;
    const check = st.entry;
    const diff = DIFFERENCES[sc.file];
    const differs = diff && (!diff.steps || diff.steps.includes(st.step)) ? diff : undefined;
    const expected: Expected = differs && differs.expected !== 'no-answer' ? differs.expected : expectationOf(query.entry, check);
    resolver.step = query.step;
    const unansweredBefore = resolver.unanswered.length;
    let res: ValidationResult | undefined;
    let error: string | undefined;
    try {
      res = await validator.validate(q.name, q.type);
    } catch (e) {
      if (!(e instanceof UpstreamError)) throw e;
      error = e.message;
    }
    const newlyUnanswered = resolver.unanswered.slice(unansweredBefore);
    const questionUnanswered = newlyUnanswered.some((u) => u.startsWith(`${question}:`));
    const base = { step: st.step, question, expected, expectedRcode: check.rcode, ...(check.ede !== undefined ? { edeExpected: check.ede } : {}) };
    const diffNote = differs ? `deliberate difference from Unbound: ${differs.reason}` : '';
    if (differs?.expected === 'no-answer') {
      steps.push({ ...base, got: res ? res.status : 'no-answer', ok: !res, detail: res ? `expected no answer (${diffNote}), got ${res.status}` : diffNote });
      continue;
    }
    if (!res) {
      const missing = expected === 'bogus' ? noEntryForStubQuestion(error ?? '', newlyUnanswered, question) : undefined;
      if (missing) {
        steps.push({
          ...base,
          got: 'no-answer',
          ok: true,
          noEntryFor: missing,
          detail: `no answer (Unbound: bogus): the stub asked ${missing}, which no entry of the scenario answers; without it an insecure zone cut there cannot be ruled out, so the validator gives no answer (issue 10 correction 5); no data is handed out either way`,
        });
      } else if (questionUnanswered && expected !== 'bogus') {
        steps.push({ ...base, got: 'no-answer', ok: true, notReplayable: true, detail: `no upstream entry for the question (Unbound answers it from its cache): ${error}` });
      } else {
        steps.push({ ...base, got: 'no-answer', ok: false, detail: `validator rejected: ${error}${newlyUnanswered.length ? ` [unanswered upstream: ${newlyUnanswered.join(' | ')}]` : ''}` });
      }
      continue;
    }
    const edeGot = res.reasons[0]?.ede;
    const reasons = res.reasons.map((r) => `EDE ${r.ede} ${r.text}`).join(' | ');
    const problems: string[] = [];
    // Issue 13 item 1: every record handed out is covered (a verified RRSIG, the DNAME synthesis, or a proven insecure cut).
    const uncovered = res.status === 'bogus' ? res.records.map((r) => r.text) : res.records.filter((r) => coverOf(res!, r) === undefined).map((r) => r.text);
    if (uncovered.length > 0) problems.push(`records not covered: ${uncovered.join(' | ')}`);
    if (expected === 'unchecked') {
      // CD query: Unbound does not validate; nothing to compare.
    } else if (expected === 'not-bogus') {
      if (res.status === 'bogus') problems.push(`expected secure or insecure, got bogus`);
    } else if (res.status !== expected) {
      problems.push(`expected ${expected}, got ${res.status}`);
    }
    if (expected !== 'bogus' && expected !== 'unchecked' && res.status !== 'bogus') {
      if (res.rcode !== check.rcode) problems.push(`rcode: expected ${check.rcode}, got ${res.rcode}`);
      const exp = expectedRecords(check);
      const ours = ourRecords(res);
      // qtype ANY: Unbound trims the answer to some RRsets (val_any_cap.rpl); every expected record must be in ours.
      const matches = q.type === RRType.ANY ? exp.every((x) => ours.includes(x)) : sameSet(exp, ours);
      if (!matches) problems.push(`answer records differ: expected ${describeRecords(exp)}; got ${describeRecords(ours)}`);
    }
    if (newlyUnanswered.length > 0 && problems.length > 0) problems.push(`[unanswered upstream: ${newlyUnanswered.join(' | ')}]`);
    let edeNote = '';
    if (!differs && expected === 'bogus' && res.status === 'bogus' && typeof check.ede === 'number' && edeGot !== check.ede) {
      edeNote = `EDE expected ${check.ede}, got ${edeGot ?? 'none'}`;
      edeMismatches.push(`${sc.file} step ${st.step} ${question}: ${edeNote} (${reasons})`);
    }
    steps.push({
      ...base,
      got: res.status,
      rcode: res.rcode,
      ok: problems.length === 0,
      detail: problems.length ? `${problems.join('; ')}${reasons ? ` — reasons: ${reasons}` : ''}${diffNote ? ` (${diffNote})` : ''}` : [diffNote, edeNote].filter(Boolean).join('; '),
      ...(edeGot !== undefined ? { edeGot } : {}),
      reasons,
    });
  }
  if (steps.length === 0) throw new Error(`${sc.file}: no CHECK_ANSWER steps`);
  const failed = steps.filter((s) => !s.ok);
  // A CD step (validation off) compares nothing: it does not count as a replayed check.
  const checked = steps.filter((s) => !s.notReplayable && s.expected !== 'unchecked');
  if (checked.length === 0) {
    failed.push({ ...steps[0]!, ok: false, detail: 'no step could be replayed' });
  }
  const notReplayable = steps.filter((s) => s.notReplayable).map((s) => s.step);
  const noEntry = steps.filter((s) => s.noEntryFor !== undefined).map((s) => `${s.step} (${s.noEntryFor})`);
  const summary = failed.length
    ? failed.map((s) => `step ${s.step} ${s.question}: ${s.detail}`).join(' || ')
    : `${checked.length} check(s): ${checked.map((s) => s.got).join(', ')}${DIFFERENCES[sc.file] ? ` (deliberate difference: ${DIFFERENCES[sc.file]!.reason})` : ''}${notReplayable.length ? `; steps ${notReplayable.join(',')} not replayable (no upstream entry: Unbound answers them from its cache)` : ''}${noEntry.length ? `; no answer instead of bogus at steps ${noEntry.join(', ')}: a DS question only a stub asks, without an entry in the scenario` : ''}`;
  return {
    file: sc.file,
    verdict: failed.length ? 'fail' : 'pass',
    steps,
    summary,
    edeMismatches,
    log: [
      ...resolver.log.map((l) => `${l.server} ${l.question} -> ${l.entryLine === undefined ? 'no entry' : `line ${l.entryLine} ${l.rcode}`}`),
      ...resolver.synthesized.map((x) => `synthesized: ${x}`),
    ],
  };
}

/**
 * The DS question behind a validator's "no answer", when it is one the
 * scenario has no entry for and not the step's own question: a stub finds
 * zone cuts by asking the DS of names Unbound's iterator already knows are
 * no cuts, and Unbound's testbound would leave such a query unanswered (an
 * unmatched query stays pending; fake_event.c). Undefined otherwise: then
 * the no-answer is a failure.
 */
export function noEntryForStubQuestion(error: string, unanswered: readonly string[], question: string): string | undefined {
  for (const u of unanswered) {
    const q = u.slice(0, u.indexOf(':'));
    if (q === question || !q.endsWith(' DS')) continue;
    if (error.includes(` to ${q}`)) return q;
  }
  return undefined;
}

// ------------------------------------------------------------------ files

/** Where the scenarios are: test/data/conformance/unbound-val from the package root. */
export function scenarioDir(packageRoot: string): string {
  return join(packageRoot, 'test', 'data', 'conformance', 'unbound-val');
}

export interface IndexRow {
  readonly file: string;
  readonly category: string;
}

/** INDEX.tsv: one row per scenario file with its stub_harness_category. */
export function readIndex(dir: string): IndexRow[] {
  const text = readFileSync(join(dir, 'INDEX.tsv'), 'utf8');
  const lines = text.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
  const header = lines.shift()?.split('\t') ?? [];
  const fi = header.indexOf('file');
  const ci = header.indexOf('stub_harness_category');
  if (fi < 0 || ci < 0) throw new Error(`${dir}/INDEX.tsv: no file / stub_harness_category columns`);
  return lines.map((l) => {
    const cols = l.split('\t');
    return { file: cols[fi]!, category: cols[ci]! };
  });
}

/** The base category of an INDEX.tsv category cell ("core(ignore TIME_PASSES)" -> "core"). */
export function baseCategory(cell: string): string {
  return /^[a-z]+/.exec(cell)?.[0] ?? cell;
}

export function loadScenario(dir: string, file: string): RplScenario {
  return parseRpl(readFileSync(join(dir, file), 'utf8'), file);
}

