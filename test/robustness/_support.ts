/**
 * Shared pieces of the robustness tests: a seeded PRNG (the tests never use
 * Math.random, so every failure replays), the captured lab fixtures as
 * mutable lists of responses, and a replay that tells a verdict from a typed
 * rejection from anything else (a crash).
 */
import { afterAll } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Fixture, exchangeMessage, fixtureAnchors, readFixture } from '../../src/fixtures/fixture.js';
import type { TrustAnchor } from '../../src/dnssec/anchors.js';
import { readRrsig } from '../../src/dnssec/records.js';
import { type Name, nameEquals, nameFromText, nameToText } from '../../src/wire/name.js';
import type { Message, RR } from '../../src/wire/message.js';
import { RRType, typeFromText, typeToText } from '../../src/wire/rrtype.js';
import type { ResponseSource } from '../../src/validator/context.js';
import { UpstreamError, type ValidationResult } from '../../src/validator/result.js';
import { ValidationInputError, createValidator } from '../../src/validator/validator.js';

export const ROOT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const LAB_DIR = join(ROOT_DIR, 'fixtures', 'lab');
export const HANDWRITTEN_DIR = join(ROOT_DIR, 'fixtures', 'handwritten');
export const VECTORS_DIR = join(ROOT_DIR, 'test', 'data', 'vectors');

// ------------------------------------------------------------------ PRNG

/** The one seeded PRNG of the tests (test/support/prng.ts). */
export { Prng } from '../support/prng.js';

// ------------------------------------------------------------------ lab fixtures

export interface LabCase {
  readonly file: string;
  readonly fixture: Fixture;
  readonly qname: Name;
  readonly qtype: number;
  readonly anchors: TrustAnchor[];
}

/** Every fixture of fixtures/lab, with a clear failure when the directory is absent. */
export function labCases(): LabCase[] {
  if (!existsSync(LAB_DIR)) throw new Error(`the robustness tests replay fixtures/lab, which is absent at ${LAB_DIR}`);
  const files = readdirSync(LAB_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort();
  if (files.length === 0) throw new Error(`fixtures/lab (${LAB_DIR}) holds no fixture`);
  return files.map((file) => {
    const fixture = readFixture(join(LAB_DIR, file));
    const q = fixture.question;
    if (!q) throw new Error(`fixtures/lab/${file} has no question`);
    const qtype = typeFromText(q.type);
    if (qtype === undefined) throw new Error(`fixtures/lab/${file}: unknown type ${q.type}`);
    return { file, fixture, qname: nameFromText(q.name), qtype, anchors: fixtureAnchors(fixture, file) };
  });
}

/** One response of a replay, as the validator will see it. */
export interface Exchange {
  readonly name: Name;
  readonly type: number;
  readonly message: Message;
}

export function exchangesOf(c: LabCase): Exchange[] {
  return c.fixture.exchanges.map((x) => {
    const type = typeFromText(x.type);
    if (type === undefined) throw new Error(`${c.file}: unknown type ${x.type}`);
    return { name: nameFromText(x.name), type, message: exchangeMessage(x, c.file) };
  });
}

export function exchangeLabel(x: { name: Name; type: number }): string {
  return `${nameToText(x.name)} ${typeToText(x.type)}`;
}

/** Answers from a list of exchanges (like FixtureSource) and counts the queries. */
export class ListSource implements ResponseSource {
  queries = 0;
  readonly asked: string[] = [];
  constructor(private readonly exchanges: readonly Exchange[]) {}
  async query(name: Name, type: number): Promise<Message> {
    this.queries++;
    this.asked.push(exchangeLabel({ name, type }));
    const hit = this.exchanges.find((x) => x.type === type && nameEquals(x.name, name));
    if (!hit) throw new UpstreamError(`no response for ${exchangeLabel({ name, type })}`);
    return hit.message;
  }
}

/** What one validation came to: a verdict, or a rejection with a typed error. Anything else is thrown. */
export type Outcome = { kind: 'result'; result: ValidationResult; queries: number } | { kind: 'rejected'; error: UpstreamError | ValidationInputError; queries: number };

/**
 * Validates the case's question against `exchanges` at the capture time.
 * A rejection that is not an UpstreamError / ValidationInputError is a
 * crash: it is rethrown with the label, so the test fails on it.
 */
export async function replay(c: LabCase, exchanges: readonly Exchange[], label: string, prefetch = false): Promise<Outcome> {
  const source = new ListSource(exchanges);
  const validator = createValidator({ source, trustAnchors: c.anchors, clock: () => c.fixture.time, prefetch });
  try {
    const result = await validator.validate(c.qname, c.qtype);
    return { kind: 'result', result, queries: source.queries };
  } catch (e) {
    if (e instanceof UpstreamError || e instanceof ValidationInputError) return { kind: 'rejected', error: e, queries: source.queries };
    throw new Error(`${label}: validate() rejected with ${(e as Error)?.name ?? typeof e}: ${(e as Error)?.message ?? String(e)}\n${(e as Error)?.stack ?? ''}`);
  }
}

export function statusOf(o: Outcome): string {
  return o.kind === 'result' ? o.result.status : `rejected (${o.error.name})`;
}

export function describeOutcome(o: Outcome): string {
  if (o.kind === 'rejected') return `rejected: ${o.error.name}: ${o.error.message}`;
  return `${o.result.status} ${o.result.rcode} ttl=${o.result.ttl} reasons: ${o.result.reasons.map((r) => `EDE ${r.ede} ${r.text}`).join('; ')}`;
}

// ------------------------------------------------------------------ editing responses

export type SectionName = 'answer' | 'authority' | 'additional';
export const SECTIONS: readonly SectionName[] = ['answer', 'authority', 'additional'];

/** A copy of `exchanges` where exchange `i` has `message` instead. */
export function withMessage(exchanges: readonly Exchange[], i: number, message: Message): Exchange[] {
  return exchanges.map((x, k) => (k === i ? { ...x, message } : x));
}

/** A copy of one record with its RDATA changed (new buffer: parsed views are memoised by buffer). */
export function withRdata(rr: RR, rdata: Uint8Array): RR {
  return { ...rr, rdata };
}

export function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const out = bytes.slice();
  out[bit >> 3]! ^= 0x80 >> (bit & 7);
  return out;
}

/** The type an RRSIG covers (or undefined when its RDATA is too short). */
export function coveredType(rr: RR): number | undefined {
  return rr.type === RRType.RRSIG && rr.rdata.length >= 2 ? (rr.rdata[0]! << 8) | rr.rdata[1]! : undefined;
}

/** The RRSIGs in `records` over (name, type). */
export function sigsOver(records: readonly RR[], name: Name, type: number): RR[] {
  return records.filter((r) => r.type === RRType.RRSIG && coveredType(r) === type && nameEquals(r.name, name));
}

/** The signer names of the RRSIGs in `records`. */
export function signersOf(records: readonly RR[]): Name[] {
  const out: Name[] = [];
  for (const r of records) {
    if (r.type !== RRType.RRSIG) continue;
    const s = readRrsig(r.rdata);
    if (s && !out.some((n) => nameEquals(n, s.signerName))) out.push(s.signerName);
  }
  return out;
}

/**
 * Records every unhandled rejection from now until the end of the test file
 * (register it at module level, before any validation runs). Returns the
 * rejections as text, for an `expect(...).toEqual([])` at the end.
 */
export function recordUnhandledRejections(): () => string[] {
  const seen: unknown[] = [];
  const onUnhandled = (reason: unknown): void => {
    seen.push(reason);
  };
  process.on('unhandledRejection', onUnhandled);
  afterAll(() => {
    process.off('unhandledRejection', onUnhandled);
  });
  return () => seen.map((r) => (r instanceof Error ? `${r.name}: ${r.message}` : String(r)));
}
