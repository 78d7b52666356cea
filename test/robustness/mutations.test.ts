/**
 * Mutated replays of every SECURE lab fixture (fixtures/lab, captured from
 * real signed zones): one change to the captured responses at a time, then
 * the question is validated again at the capture time.
 *
 * Project principle 3: bad input gives a bogus verdict or a typed rejection
 * (UpstreamError when the validator now asks something the capture lacks),
 * never a crash and never "secure" where the change broke what the verdict
 * stands on. The invariants asserted are the ones that are strictly true:
 *
 *  - RDATA of a signed RRset the answer stands on (the answer RRsets, the DS
 *    and DNSKEY RRsets of every zone cut from the anchor to the signer) is
 *    covered by every RRSIG over it (RFC 4034 §3.1.8.1, §6.2): one flipped
 *    bit, or one record removed, and no signature verifies. Not secure.
 *    Exception: the case of a letter in an embedded domain name of the types
 *    RFC 4034 §6.2 item 3 lowercases (RFC 6840 §5.1) is not signed; such
 *    flips are never drawn.
 *  - An RRSIG covers its own RDATA except the signature field (RFC 4034
 *    §3.1.8.1) and the signer name's case: when it is the only RRSIG over a
 *    needed RRset, a flipped bit or its removal leaves the RRset unsigned.
 *    With several RRSIGs another may still verify (a second key), so only
 *    "all of them flipped" is asserted not secure.
 *  - Removing the DS RRset of a signed delegation (DS records + RRSIGs) is a
 *    downgrade without an NSEC/NSEC3 proof (RFC 4035 §5.2): not secure.
 *  - Removing every NSEC/NSEC3 of the signer's zone from every response
 *    leaves a denial or a wildcard expansion without its proof (RFC 4035
 *    §5.3.4, §5.4; RFC 5155 §8): not secure.
 *  - Order of records does not matter (RFC 4034 §6.3 sorts RRsets before
 *    verifying): shuffled sections give the same verdict and records.
 *  - TTLs are not signed (RFC 4035 §5.3.2 uses the RRSIG's Original TTL): new
 *    TTLs give the same verdict, and the result's TTL stays within the caps
 *    of RFC 4035 §5.3.3 (Original TTL, signature expiration, received TTL).
 *  - Anything else (random removals, swapped responses): a verdict or a typed
 *    rejection, and if secure then with exactly the records of the
 *    unmutated replay (the lab signed one version of every RRset).
 *  - Changed RDATA under a signature that is still there is bogus, not
 *    insecure (RFC 4035 §5.5); removals and RRSIG changes only "not secure"
 *    (an unsigned RRset may be argued into an insecure delegation, e.g. by an
 *    NSEC3 proof over the RFC 9276 iteration limit).
 *  - Family (f) repeats the RDATA flips and DS removals with prefetching, and
 *    the file ends by checking that no unhandled rejection fired.
 *
 * A mutation is applied to every copy of the record in every response (a
 * CNAME target's RRset may come in two responses), so the validator cannot
 * avoid it by reading the other copy.
 */
import { describe, expect, it } from 'vitest';
import type { Name } from '../../src/wire/name.js';
import { isSubdomain, isStrictSubdomain, nameEquals, nameFromText, nameToText } from '../../src/wire/name.js';
import type { Message, RR } from '../../src/wire/message.js';
import { RRType, typeFromText, typeToText } from '../../src/wire/rrtype.js';
import { readRrsig } from '../../src/dnssec/records.js';
import type { ValidationResult } from '../../src/validator/result.js';
import {
  type Exchange,
  type LabCase,
  type Outcome,
  Prng,
  SECTIONS,
  coveredType,
  describeOutcome,
  exchangeLabel,
  exchangesOf,
  flipBit,
  labCases,
  replay,
  sigsOver,
  statusOf,
} from './_support.js';
import { recordUnhandledRejections } from './_support.js';

// Prefetching (family f) starts queries nobody awaits: none of them may end as an unhandled rejection.
const unhandledRejections = recordUnhandledRejections();

const ALL = labCases();
const SECURE = ALL.filter((c) => c.fixture.expected?.status === 'secure');

/**
 * Types whose embedded names are lowercased in the canonical form (RFC 4034
 * §6.2 item 3), NSEC included to stay on the safe side of RFC 6840 §5.1: a
 * flip of bit 0x20 of a letter in their RDATA is never drawn.
 */
const CASE_FOLDED_TYPES = new Set<number>(
  ['NS', 'MD', 'MF', 'CNAME', 'SOA', 'MB', 'MG', 'MR', 'PTR', 'HINFO', 'MINFO', 'MX', 'RP', 'AFSDB', 'RT', 'SIG', 'PX', 'NXT', 'NAPTR', 'KX', 'SRV', 'A6', 'DNAME', 'RRSIG', 'NSEC'].map(
    (t) => typeFromText(t) ?? -1,
  ),
);

function isCaseOnlyFlip(type: number, rdata: Uint8Array, bit: number): boolean {
  if (!CASE_FOLDED_TYPES.has(type) || (0x80 >> (bit & 7)) !== 0x20) return false;
  const c = rdata[bit >> 3]! | 0x20;
  return c >= 0x61 && c <= 0x7a;
}

/** A bit of `rr`'s RDATA whose flip changes the signed data; within `range` (octets) when given. */
function signedBit(rng: Prng, rr: RR, range?: { from: number; to: number }): number {
  const from = range?.from ?? 0;
  const to = range?.to ?? rr.rdata.length;
  for (let tries = 0; tries < 64; tries++) {
    const bit = (from + rng.int(to - from)) * 8 + rng.int(8);
    if (!isCaseOnlyFlip(rr.type, rr.rdata, bit)) return bit;
  }
  throw new Error(`no signed bit found in ${nameToText(rr.name)} ${typeToText(rr.type)}`);
}

// ------------------------------------------------------------------ editing every copy

const sameRecord = (a: RR, b: RR): boolean =>
  a.type === b.type && nameEquals(a.name, b.name) && a.rdata.length === b.rdata.length && a.rdata.every((v, i) => v === b.rdata[i]);

type RecordEdit = (rr: RR) => RR | undefined;

/** Applies `edit` to every record of every section of every response (undefined removes it). */
function editAll(exchanges: readonly Exchange[], edit: RecordEdit): Exchange[] {
  return exchanges.map((x) => {
    const m = x.message;
    const section = (rrs: readonly RR[]): RR[] => rrs.flatMap((rr) => edit(rr) ?? []);
    const message: Message = { ...m, answer: section(m.answer), authority: section(m.authority), additional: section(m.additional) };
    return { ...x, message };
  });
}

function replaceRecord(exchanges: readonly Exchange[], target: RR, rdata: Uint8Array): Exchange[] {
  return editAll(exchanges, (rr) => (sameRecord(rr, target) ? { ...rr, rdata } : rr));
}

function removeRecords(exchanges: readonly Exchange[], drop: (rr: RR) => boolean): Exchange[] {
  return editAll(exchanges, (rr) => (drop(rr) ? undefined : rr));
}

function allRecords(exchanges: readonly Exchange[]): RR[] {
  return exchanges.flatMap((x) => [...x.message.answer, ...x.message.authority, ...x.message.additional]);
}

/** Distinct records (by owner, type, RDATA) of `records` matching `pick`. */
function distinct(records: readonly RR[], pick: (rr: RR) => boolean): RR[] {
  const out: RR[] = [];
  for (const rr of records) if (pick(rr) && !out.some((o) => sameRecord(o, rr))) out.push(rr);
  return out;
}

// ------------------------------------------------------------------ what the secure verdict stands on

interface RRsetKey {
  readonly name: Name;
  readonly type: number;
}

interface Plan {
  readonly c: LabCase;
  readonly exchanges: Exchange[];
  readonly baseline: ValidationResult;
  /** Signed RRsets of the answer (positive records, CNAME/DNAME links). */
  readonly answerSets: RRsetKey[];
  /** DS and DNSKEY RRsets of the zone cuts from the anchor to every signer the answer needs. */
  readonly chainSets: RRsetKey[];
  /** Zones whose DS RRset is needed (signed delegations on the path). */
  readonly dsZones: Name[];
  /** The zone whose NSEC/NSEC3 records prove a denial or a wildcard expansion in the answer, if any. */
  readonly proofZone: Name | undefined;
}

const key = (s: RRsetKey): string => `${nameToText(s.name).toLowerCase()}|${s.type}`;

function dataOf(records: readonly RR[], s: RRsetKey): RR[] {
  return distinct(records, (rr) => rr.type === s.type && nameEquals(rr.name, s.name));
}

function sigsOf(records: readonly RR[], s: RRsetKey): RR[] {
  return distinct(sigsOver(records, s.name, s.type), () => true);
}

function onlySigner(sigs: readonly RR[]): Name | undefined {
  let signer: Name | undefined;
  for (const s of sigs) {
    const d = readRrsig(s.rdata);
    if (!d) return undefined;
    if (signer && !nameEquals(signer, d.signerName)) return undefined;
    signer = d.signerName;
  }
  return signer;
}

function isWildcardExpansion(sigs: readonly RR[], owner: Name): boolean {
  return sigs.some((s) => {
    const d = readRrsig(s.rdata);
    return d !== undefined && d.labels < owner.filter((l) => l !== '*').length;
  });
}

async function plan(c: LabCase): Promise<Plan> {
  const exchanges = exchangesOf(c);
  const base = await replay(c, exchanges, `${c.file} (unmutated)`);
  if (base.kind !== 'result' || base.result.status !== 'secure') throw new Error(`${c.file}: the unmutated replay is not secure: ${describeOutcome(base)}`);
  const records = allRecords(exchanges);
  const answerSets: RRsetKey[] = [];
  for (const r of base.result.records) {
    const s = { name: nameFromText(r.name), type: typeFromText(r.type)! };
    if (!answerSets.some((a) => key(a) === key(s)) && sigsOf(records, s).length > 0) answerSets.push(s);
  }
  const signers: Name[] = [];
  let proofZone: Name | undefined;
  for (const s of answerSets) {
    const sigs = sigsOf(records, s);
    const signer = onlySigner(sigs);
    if (signer && !signers.some((n) => nameEquals(n, signer))) signers.push(signer);
    if (signer && isWildcardExpansion(sigs, s.name)) proofZone = signer;
  }
  if (base.result.records.length === 0) {
    // A denial: the zone that signed every record of the question's authority section.
    const q = exchanges.find((x) => x.type === c.qtype && nameEquals(x.name, c.qname));
    const signer = q ? onlySigner(q.message.authority.filter((r) => r.type === RRType.RRSIG)) : undefined;
    if (signer) {
      signers.push(signer);
      proofZone = signer;
    }
  }
  const chainSets: RRsetKey[] = [];
  const dsZones: Name[] = [];
  const add = (s: RRsetKey): void => {
    if (!chainSets.some((a) => key(a) === key(s)) && dataOf(records, s).length > 0 && sigsOf(records, s).length > 0) chainSets.push(s);
  };
  for (const signer of signers) {
    const anchor = c.anchors
      .map((a) => a.zone)
      .filter((z) => isSubdomain(signer, z))
      .sort((a, b) => b.length - a.length)[0];
    if (!anchor) continue;
    add({ name: anchor, type: RRType.DNSKEY });
    for (let depth = anchor.length + 1; depth <= signer.length; depth++) {
      const zone = signer.slice(signer.length - depth);
      const ds = { name: zone, type: RRType.DS };
      if (dataOf(records, ds).length === 0) continue; // not a zone cut
      add(ds);
      add({ name: zone, type: RRType.DNSKEY });
      if (!dsZones.some((z) => nameEquals(z, zone)) && isStrictSubdomain(zone, anchor)) dsZones.push(zone);
    }
  }
  return { c, exchanges, baseline: base.result, answerSets, chainSets, dsZones, proofZone };
}

const plans = new Map<string, Promise<Plan>>();
function planOf(c: LabCase): Promise<Plan> {
  let p = plans.get(c.file);
  if (!p) {
    p = plan(c);
    plans.set(c.file, p);
  }
  return p;
}

/** Seed per fixture and family: stable across runs, different between fixtures. */
function seedOf(file: string, family: number): number {
  let h = 2166136261 ^ family;
  for (let i = 0; i < file.length; i++) h = Math.imul(h ^ file.charCodeAt(i), 16777619);
  return h >>> 0;
}

const recordSet = (records: readonly { name: string; type: string; data: string }[]): string[] =>
  [...new Set(records.map((r) => `${r.name.toLowerCase()} ${r.type} ${r.data}`))].sort();

/** The checks every mutated replay passes; returns what went wrong (empty: fine). */
function anyValid(p: Plan, o: Outcome, what: string): string[] {
  if (o.kind === 'rejected') return [];
  const r = o.result;
  const problems: string[] = [];
  if (!['secure', 'insecure', 'bogus'].includes(r.status)) problems.push(`${what}: status ${String(r.status)}`);
  if (r.status === 'bogus' && r.records.length > 0) problems.push(`${what}: bogus with records`);
  if (!Number.isFinite(r.ttl) || r.ttl < 0) problems.push(`${what}: ttl ${r.ttl}`);
  if (r.status === 'secure' && JSON.stringify(recordSet(r.records)) !== JSON.stringify(recordSet(p.baseline.records))) {
    problems.push(`${what}: secure with other records than the unmutated replay: ${recordSet(r.records).join(' | ')}`);
  }
  return problems;
}

function notSecure(p: Plan, o: Outcome, what: string): string[] {
  const problems = anyValid(p, o, what);
  if (o.kind === 'result' && o.result.status === 'secure') problems.push(`${what}: still SECURE (${describeOutcome(o)})`);
  return problems;
}

/**
 * For changed RDATA under an RRSIG that is still there: the RRset is signed in
 * a zone with a valid chain, and its signature fails: bogus (RFC 4035 §5.5),
 * not insecure. (A rejection stays allowed: the validator may now ask
 * something the capture lacks.)
 */
function bogus(p: Plan, o: Outcome, what: string): string[] {
  const problems = notSecure(p, o, what);
  if (o.kind === 'result' && o.result.status === 'insecure') problems.push(`${what}: INSECURE instead of bogus (${describeOutcome(o)})`);
  return problems;
}

async function run(p: Plan, exchanges: Exchange[], what: string, prefetch = false): Promise<Outcome> {
  return replay(p.c, exchanges, `${p.c.file}: ${what}`, prefetch);
}

/** RRsets the verdict stands on, each with a label. */
function neededSets(p: Plan): { set: RRsetKey; label: string }[] {
  return [...p.answerSets.map((s) => ({ set: s, label: 'answer' })), ...p.chainSets.map((s) => ({ set: s, label: 'chain' }))];
}

// ------------------------------------------------------------------ tests

describe('mutated replays of the secure lab fixtures', () => {
  it('there are secure lab fixtures to mutate, and their plans find what the verdict stands on', async () => {
    expect(SECURE.length).toBeGreaterThanOrEqual(30);
    let withChain = 0;
    let withProof = 0;
    for (const c of SECURE) {
      const p = await planOf(c);
      if (p.proofZone) withProof++;
      expect(p.answerSets.length + (p.proofZone ? 1 : 0), `${c.file}: neither an answer RRset nor a proof`).toBeGreaterThan(0);
      if (p.chainSets.some((s) => s.type === RRType.DNSKEY)) withChain++;
    }
    expect(withChain).toBe(SECURE.length);
    // Denials and wildcard expansions (NSEC and NSEC3): their proofs get mutated too.
    expect(withProof).toBeGreaterThanOrEqual(10);
    if (process.env.ROBUSTNESS_VERBOSE) console.log(`${SECURE.length} secure fixtures, ${withProof} with a proof zone`);
  });

  it.each(SECURE)('$file (a): one bit of the answer RRsets\' RDATA flipped, every copy → bogus; the denial proof flipped → not secure', async (c) => {
    const p = await planOf(c);
    const rng = new Prng(seedOf(c.file, 1));
    const problems: string[] = [];
    const records = allRecords(p.exchanges);
    for (const s of p.answerSets) {
      const data = dataOf(records, s);
      for (let k = 0; k < 4; k++) {
        const target = rng.pick(data);
        if (target.rdata.length === 0) continue;
        const bit = signedBit(rng, target);
        const what = `answer ${exchangeLabel(s)} RDATA bit ${bit} flipped`;
        problems.push(...bogus(p, await run(p, replaceRecord(p.exchanges, target, flipBit(target.rdata, bit)), what), what));
      }
    }
    if (p.proofZone) {
      // The denial (or wildcard) proof: every NSEC/NSEC3 of the zone with one signed bit flipped leaves no proof.
      const zone = p.proofZone;
      const proofs = distinct(records, (rr) => (rr.type === RRType.NSEC || rr.type === RRType.NSEC3) && isSubdomain(rr.name, zone));
      for (let k = 0; k < 2; k++) {
        let ex = p.exchanges;
        for (const rr of proofs) ex = replaceRecord(ex, rr, flipBit(rr.rdata, signedBit(rng, rr)));
        const what = `every NSEC/NSEC3 of ${nameToText(zone)} (${proofs.length}) with one bit flipped, round ${k}`;
        problems.push(...notSecure(p, await run(p, ex, what), what));
      }
      const one = rng.pick(proofs);
      const what = `one NSEC/NSEC3 (${exchangeLabel(one)}) with one bit flipped`;
      problems.push(...anyValid(p, await run(p, replaceRecord(p.exchanges, one, flipBit(one.rdata, signedBit(rng, one))), what), what));
    }
    expect(problems).toEqual([]);
  });

  it.each(SECURE)('$file (b): one bit of a DS / DNSKEY RDATA (→ bogus) or of an RRSIG (→ not secure) on the path flipped, or a typed rejection', async (c) => {
    const p = await planOf(c);
    const rng = new Prng(seedOf(c.file, 2));
    const problems: string[] = [];
    const records = allRecords(p.exchanges);
    for (const s of p.chainSets) {
      // The DS or DNSKEY RDATA: every RRSIG over the RRset covers it.
      const data = dataOf(records, s);
      for (let k = 0; k < 2; k++) {
        const target = rng.pick(data);
        const bit = signedBit(rng, target);
        const what = `${exchangeLabel(s)} RDATA bit ${bit} flipped`;
        problems.push(...bogus(p, await run(p, replaceRecord(p.exchanges, target, flipBit(target.rdata, bit)), what), what));
      }
    }
    for (const { set: s, label } of neededSets(p)) {
      const sigs = sigsOf(records, s);
      // The signature field of one RRSIG, then anywhere in it (header, signer name).
      for (const where of ['signature', 'anywhere'] as const) {
        const target = rng.pick(sigs);
        const d = readRrsig(target.rdata)!;
        const range = where === 'signature' ? { from: target.rdata.length - d.signature.length, to: target.rdata.length } : undefined;
        const bit = signedBit(rng, target, range);
        const what = `${label} ${exchangeLabel(s)}: RRSIG (1 of ${sigs.length}) bit ${bit} (${where}) flipped`;
        const o = await run(p, replaceRecord(p.exchanges, target, flipBit(target.rdata, bit)), what);
        problems.push(...(sigs.length === 1 ? notSecure(p, o, what) : anyValid(p, o, what)));
      }
      if (sigs.length > 1) {
        let ex = p.exchanges;
        for (const sig of sigs) ex = replaceRecord(ex, sig, flipBit(sig.rdata, signedBit(rng, sig)));
        const what = `${label} ${exchangeLabel(s)}: all ${sigs.length} RRSIGs flipped`;
        problems.push(...notSecure(p, await run(p, ex, what), what));
      }
    }
    expect(problems).toEqual([]);
  });

  it.each(SECURE)('$file (c): one record removed → not secure when the verdict needs it, else a valid verdict', async (c) => {
    const p = await planOf(c);
    const rng = new Prng(seedOf(c.file, 3));
    const problems: string[] = [];
    const records = allRecords(p.exchanges);
    for (const { set: s, label } of neededSets(p)) {
      const data = dataOf(records, s);
      const target = rng.pick(data);
      let what = `${label} ${exchangeLabel(s)}: one of ${data.length} records removed`;
      problems.push(...notSecure(p, await run(p, removeRecords(p.exchanges, (rr) => sameRecord(rr, target)), what), what));
      const sigs = sigsOf(records, s);
      const sig = rng.pick(sigs);
      what = `${label} ${exchangeLabel(s)}: RRSIG (1 of ${sigs.length}) removed`;
      const o = await run(p, removeRecords(p.exchanges, (rr) => sameRecord(rr, sig)), what);
      problems.push(...(sigs.length === 1 ? notSecure(p, o, what) : anyValid(p, o, what)));
      what = `${label} ${exchangeLabel(s)}: all ${sigs.length} RRSIGs removed`;
      problems.push(...notSecure(p, await run(p, removeRecords(p.exchanges, (rr) => sigs.some((x) => sameRecord(rr, x))), what), what));
    }
    for (const zone of p.dsZones) {
      // Downgrade: the DS RRset of a signed delegation and its RRSIGs gone (RFC 4035 §5.2).
      const what = `DS RRset of ${nameToText(zone)} removed with its RRSIGs`;
      const drop = (rr: RR): boolean => nameEquals(rr.name, zone) && (rr.type === RRType.DS || coveredType(rr) === RRType.DS);
      problems.push(...notSecure(p, await run(p, removeRecords(p.exchanges, drop), what), what));
    }
    if (p.proofZone) {
      const zone = p.proofZone;
      const what = `every NSEC/NSEC3 of ${nameToText(zone)} removed (the proof)`;
      const isProof = (t: number | undefined): boolean => t === RRType.NSEC || t === RRType.NSEC3;
      const drop = (rr: RR): boolean => isSubdomain(rr.name, zone) && (isProof(rr.type) || isProof(coveredType(rr)));
      problems.push(...notSecure(p, await run(p, removeRecords(p.exchanges, drop), what), what));
    }
    // Random single removals anywhere: only a valid verdict (the record may not be needed).
    for (let k = 0; k < 8; k++) {
      const i = rng.int(p.exchanges.length);
      const x = p.exchanges[i]!;
      const sections = SECTIONS.filter((sec) => x.message[sec].length > 0);
      if (sections.length === 0) continue;
      const sec = rng.pick(sections);
      const j = rng.int(x.message[sec].length);
      const message = { ...x.message, [sec]: x.message[sec].filter((_, n) => n !== j) };
      const what = `record ${j} of the ${sec} of ${exchangeLabel(x)} removed`;
      problems.push(...anyValid(p, await run(p, p.exchanges.map((e, n) => (n === i ? { ...e, message } : e)), what), what));
    }
    expect(problems).toEqual([]);
  });

  it.each(SECURE)('$file (d): swapped responses give a valid verdict; shuffled records the same verdict', async (c) => {
    const p = await planOf(c);
    const rng = new Prng(seedOf(c.file, 4));
    const problems: string[] = [];
    const n = p.exchanges.length;
    const pairs: [number, number][] = [];
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) pairs.push([i, j]);
    for (const [i, j] of rng.shuffle(pairs).slice(0, 6)) {
      const a = p.exchanges[i]!;
      const b = p.exchanges[j]!;
      const swapped = p.exchanges.map((x, k) => (k === i ? { ...x, message: b.message } : k === j ? { ...x, message: a.message } : x));
      const what = `responses of ${exchangeLabel(a)} and ${exchangeLabel(b)} swapped`;
      problems.push(...anyValid(p, await run(p, swapped, what), what));
    }
    for (let k = 0; k < 3; k++) {
      const shuffled = p.exchanges.map((x) => ({
        ...x,
        message: { ...x.message, answer: rng.shuffle(x.message.answer), authority: rng.shuffle(x.message.authority), additional: rng.shuffle(x.message.additional) },
      }));
      const what = `records shuffled (round ${k})`;
      const o = await run(p, shuffled, what);
      problems.push(...anyValid(p, o, what));
      if (statusOf(o) !== p.baseline.status) problems.push(`${what}: ${describeOutcome(o)} instead of ${p.baseline.status}`);
    }
    expect(problems).toEqual([]);
  });

  it.each(SECURE)('$file (e): changed TTLs keep the verdict; the result TTL stays within RFC 4035 §5.3.3 caps', async (c) => {
    const p = await planOf(c);
    const rng = new Prng(seedOf(c.file, 5));
    const problems: string[] = [];
    const variants: { what: string; ttl: (rr: RR) => number }[] = [
      { what: 'TTLs lowered at random', ttl: (rr) => rng.int(rr.ttl + 1) },
      { what: 'TTLs raised to 2^31-1', ttl: () => 0x7fffffff },
      { what: 'TTLs with the top bit set (RFC 2181 §8)', ttl: () => 0x80000000 + rng.int(0x7fffffff) },
      { what: 'TTLs zero', ttl: () => 0 },
    ];
    for (const v of variants) {
      const ex = editAll(p.exchanges, (rr) => ({ ...rr, ttl: v.ttl(rr) }));
      const o = await run(p, ex, v.what);
      problems.push(...anyValid(p, o, v.what));
      if (o.kind !== 'result' || o.result.status !== p.baseline.status) {
        problems.push(`${v.what}: ${describeOutcome(o)} instead of ${p.baseline.status}`);
        continue;
      }
      const r = o.result;
      const records = allRecords(ex);
      for (const s of p.answerSets) {
        const sigs = sigsOf(records, s).map((x) => readRrsig(x.rdata)!);
        // RFC 4035 §5.3.3: no more than the Original TTL of a signature over it, nor past its expiration.
        const cap = Math.max(...sigs.map((d) => Math.min(d.originalTtl, d.expiration - c.fixture.time)));
        if (r.ttl > cap) problems.push(`${v.what}: result ttl ${r.ttl} above the RRSIG cap ${cap} of ${exchangeLabel(s)}`);
      }
      for (const rec of r.records) {
        if (rec.ttl > r.ttl) problems.push(`${v.what}: record ${rec.text} has a TTL above the result's ${r.ttl}`);
        const received = records.filter((x) => x.type === typeFromText(rec.type) && nameEquals(x.name, nameFromText(rec.name)));
        const maxReceived = Math.max(...received.map((x) => x.ttl));
        if (v.what === 'TTLs lowered at random' && rec.ttl > maxReceived) problems.push(`${v.what}: record ${rec.text} above the received TTL ${maxReceived}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it.each(SECURE)('$file (f): with prefetching, flipped answer / chain RDATA → bogus, a removed DS RRset → not secure', async (c) => {
    const p = await planOf(c);
    const rng = new Prng(seedOf(c.file, 6));
    const problems: string[] = [];
    const records = allRecords(p.exchanges);
    for (const { set: s, label } of neededSets(p)) {
      const target = rng.pick(dataOf(records, s));
      const bit = signedBit(rng, target);
      const what = `prefetch: ${label} ${exchangeLabel(s)} RDATA bit ${bit} flipped`;
      problems.push(...bogus(p, await run(p, replaceRecord(p.exchanges, target, flipBit(target.rdata, bit)), what, true), what));
    }
    for (const zone of p.dsZones) {
      const what = `prefetch: DS RRset of ${nameToText(zone)} removed with its RRSIGs`;
      const drop = (rr: RR): boolean => nameEquals(rr.name, zone) && (rr.type === RRType.DS || coveredType(rr) === RRType.DS);
      problems.push(...notSecure(p, await run(p, removeRecords(p.exchanges, drop), what, true), what));
    }
    expect(problems).toEqual([]);
  });

  it('no unhandled rejection fired during the mutated replays', async () => {
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(unhandledRejections()).toEqual([]);
  });
});
