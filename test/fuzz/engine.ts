/**
 * The fuzzer (issue 13 item 3): mutates the captured fixtures (fixtures/lab,
 * fixtures/handwritten, fixtures/adversarial; test/fuzz/mutators.ts) and feeds
 * the message parser, the presentation parser, the anchor parsers (DS/DNSKEY
 * text, IANA XML), the fixture reader and whole validations.
 *
 * Oracle, each violation a finding:
 * - parsers throw nothing but their documented error classes (MessageError;
 *   PresentationError; AnchorFileError; FixtureError);
 * - validate() resolves, or rejects with UpstreamError / ValidationInputError;
 *   never another exception, never an unhandled rejection, never over 5 s;
 * - a secure result has exactly the records (owner case and TTLs aside, which
 *   are not signed: RFC 4034 §6.2, RFC 4035 §5.3.3) and rcode of the unmutated
 *   fixture's secure result; a fixture that was not secure never becomes secure;
 * - the heap stays bounded (reported; a finding over MAX_HEAP_MB).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Message, MessageError, type RR, encodeMessage, parseMessage } from '../../src/wire/message.js';
import { type Name, nameEquals, nameFromText, nameToText } from '../../src/wire/name.js';
import { typeFromText, typeToText } from '../../src/wire/rrtype.js';
import { PresentationError, parseZoneText, rdataToText, rrToText } from '../../src/wire/presentation.js';
import { parseSectionedText } from '../../src/wire/sections.js';
import { AnchorFileError, parseAnchorText, parseRootAnchorsXml } from '../../src/dnssec/anchors.js';
import { type Fixture, FixtureError, FixtureSource, checkFixture, exchangeMessage, fixtureAnchors, readFixture } from '../../src/fixtures/fixture.js';
import { UpstreamError, type ValidatedRecord, type ValidationResult } from '../../src/validator/result.js';
import { ValidationInputError, createValidator } from '../../src/validator/validator.js';
import { mutateRecords, mutateWire } from './mutators.js';
import { Prng } from '../support/prng.js';

export const VALIDATION_LIMIT_MS = 5000;
export const MAX_HEAP_MB = 1024;

export interface Finding {
  readonly target: 'message' | 'presentation' | 'anchors' | 'fixture' | 'validation';
  readonly seed: number;
  readonly iteration: number;
  readonly op: string;
  readonly problem: string;
  /** The input: base64 bytes, text, or (validations) the mutated fixture. */
  readonly input: string | Fixture;
  readonly baseline?: Summary;
  /** Validations: the unmutated fixture, relative to fixtures/. */
  readonly source?: string;
}

export interface FuzzStats {
  messages: number;
  presentation: number;
  anchors: number;
  fixtures: number;
  validations: number;
  verdicts: Record<string, number>;
  maxValidationMs: number;
  maxHeapMb: number;
  unhandledRejections: number;
  findings: Finding[];
}

export interface Summary {
  readonly status: string;
  readonly rcode: string;
  readonly records: readonly string[];
  /** Bogus only because a work limit stopped it. */
  readonly limitOnly?: boolean;
}

interface Entry {
  readonly file: string;
  readonly fixture: Fixture;
  readonly raw: Uint8Array[];
  readonly names: { name: Name; type: number }[];
  readonly original: Set<string>;
  baseline?: Summary;
}

const EMBEDDED_NAME_TYPES = new Set(['CNAME', 'DNAME', 'NS', 'PTR', 'MX', 'SOA', 'SRV', 'NSEC', 'RRSIG']);

/** A record with owner case and TTL left out (unsigned), and the case of embedded names (RFC 4034 §6.2 item 3). */
export function normaliseRecord(r: ValidatedRecord): string {
  if (EMBEDDED_NAME_TYPES.has(r.type)) return `${r.name.toLowerCase()} ${r.type} ${r.data.toLowerCase()}`;
  return `${r.name.toLowerCase()} ${r.type} ${r.data} ${Buffer.from(r.rdata).toString('hex')}`;
}

/** Reasons that mean "stopped by a work limit", not "the data is forged". */
const LIMIT_REASON = /work budget|denial-of-service limit|longer than \d+ links/;

export function summarise(r: ValidationResult): Summary {
  const limitOnly = r.status === 'bogus' && r.reasons.length > 0 && LIMIT_REASON.test(r.reasons[0]!.text);
  // As a set: an exact duplicate of a signed record is the same RRset (RFC 2181 §5, RFC 4034 §6.3).
  const records = [...new Set(r.records.map(normaliseRecord))].sort();
  return { status: r.status, rcode: r.rcode, records, ...(limitOnly ? { limitOnly } : {}) };
}

/** Every answer-section record of the unmutated responses, normalised like a result's records. */
export function signedRecordsOf(raw: readonly Uint8Array[]): Set<string> {
  const out = new Set<string>();
  for (const b of raw) {
    for (const r of parseMessage(b).answer) {
      const type = typeToText(r.type);
      out.add(normaliseRecord({ name: nameToText(r.name), type, ttl: r.ttl, data: rdataToText(r.type, r.rdata), text: '', rdata: r.rdata }));
    }
  }
  return out;
}

/**
 * The oracle on one validation outcome against its fixture's baseline;
 * undefined when it holds. A baseline that was bogus only because a work
 * limit stopped it (limitOnly) may become secure when a mutation removes
 * work (e.g. a zone-cut check that now fails fast), but only with records
 * that the unmutated responses carried.
 */
export function judge(baseline: Summary, got: Summary, original: ReadonlySet<string>): string | undefined {
  if (got.status !== 'secure') return undefined;
  if (baseline.limitOnly) {
    const foreign = got.records.filter((r) => !original.has(r));
    return foreign.length > 0 ? `secure with records the fixture never had: ${JSON.stringify(foreign)}` : undefined;
  }
  if (baseline.status !== 'secure') return `secure, but the unmutated fixture is ${baseline.status}`;
  if (got.rcode !== baseline.rcode) return `secure with rcode ${got.rcode}, unmutated ${baseline.rcode}`;
  if (JSON.stringify(got.records) !== JSON.stringify(baseline.records)) {
    return `secure with records ${JSON.stringify(got.records)}, unmutated ${JSON.stringify(baseline.records)}`;
  }
  return undefined;
}

function loadCorpus(root: string): Entry[] {
  const out: Entry[] = [];
  for (const dir of ['lab', 'handwritten', 'adversarial']) {
    const full = join(root, 'fixtures', dir);
    for (const f of readdirSync(full).filter((x) => x.endsWith('.json')).sort()) {
      const fixture = readFixture(join(full, f));
      if (!fixture.question) continue;
      const raw = fixture.exchanges.map((x) => (x.response ? new Uint8Array(Buffer.from(x.response, 'base64')) : encodeMessage(exchangeMessage(x, f))));
      const names = fixture.exchanges.map((x) => ({ name: nameFromText(x.name.endsWith('.') ? x.name : `${x.name}.`), type: typeFromText(x.type) ?? 0 }));
      out.push({ file: `${dir}/${f}`, fixture, raw, names, original: signedRecordsOf(raw) });
    }
  }
  return out;
}

/** A response source over (possibly mutated) response bytes: unparsable bytes are no answer, as from the network. */
class BytesSource {
  constructor(
    private readonly names: readonly { name: Name; type: number }[],
    private readonly raw: readonly Uint8Array[],
  ) {}
  async query(name: Name, type: number): Promise<Message> {
    const i = this.names.findIndex((x) => x.type === type && nameEquals(x.name, name));
    if (i < 0) throw new UpstreamError('no such exchange in the fixture');
    try {
      return parseMessage(this.raw[i]!);
    } catch (e) {
      if (e instanceof MessageError) throw new UpstreamError(`malformed response: ${e.message}`);
      throw e;
    }
  }
}

export async function validateBytes(fixture: Fixture, names: readonly { name: Name; type: number }[], raw: readonly Uint8Array[], prefetch: boolean): Promise<ValidationResult | Error> {
  const v = createValidator({ source: new BytesSource(names, raw), trustAnchors: fixtureAnchors(fixture), clock: () => fixture.time, prefetch });
  try {
    return await v.validate(fixture.question!.name, fixture.question!.type);
  } catch (e) {
    if (e instanceof UpstreamError || e instanceof ValidationInputError) return e;
    throw e;
  }
}

function mutateText(rng: Prng, text: string): string {
  const chars = [...text];
  const n = 1 + rng.int(3);
  for (let k = 0; k < n; k++) {
    const at = rng.int(chars.length + 1);
    switch (rng.int(5)) {
      case 0:
        chars.splice(at, 1);
        break;
      case 1:
        chars.splice(at, 0, rng.pick([' ', '\t', '\n', '(', ')', ';', '"', '\\', '.', '@', '$', '0', '9', '-', '\u00e9', '\\0', '\\256', 'TYPE65535', '\\# 3 abcdef', '<', '>', '&amp;']));
        break;
      case 2:
        if (at < chars.length) chars[at] = String.fromCharCode(rng.int(128));
        break;
      case 3:
        chars.length = Math.min(chars.length, at);
        break;
      default: {
        const from = rng.int(chars.length + 1);
        chars.splice(at, 0, ...chars.slice(from, from + 1 + rng.int(40)));
      }
    }
  }
  return chars.join('');
}

function expectedError(e: unknown, ...classes: (new (...a: never[]) => Error)[]): string | undefined {
  if (classes.some((c) => e instanceof c)) return undefined;
  return `threw ${(e as Error)?.name ?? typeof e}: ${(e as Error)?.message ?? String(e)}`;
}

export interface FuzzOptions {
  readonly root: string;
  readonly seed: number;
  readonly seconds: number;
  /** Message parses per validation (default 10). */
  readonly messagesPerValidation?: number;
  readonly progress?: (s: FuzzStats, elapsedS: number) => void;
  /** Called at once for each finding (the CLI writes it out before the run ends). */
  readonly onFinding?: (f: Finding, index: number) => void;
}

export async function fuzz(opts: FuzzOptions): Promise<FuzzStats> {
  const rng = new Prng(opts.seed);
  const corpus = loadCorpus(opts.root);
  const xml = readFileSync(join(opts.root, 'trust-anchors', 'root-anchors.xml'), 'utf8');
  const allRecords: RR[] = corpus.flatMap((e) => e.raw.flatMap((b) => {
    const m = parseMessage(b);
    return [...m.answer, ...m.authority];
  }));
  const stats: FuzzStats = { messages: 0, presentation: 0, anchors: 0, fixtures: 0, validations: 0, verdicts: {}, maxValidationMs: 0, maxHeapMb: 0, unhandledRejections: 0, findings: [] };
  let iteration = 0;
  const find = (f: Omit<Finding, 'seed' | 'iteration'>): void => {
    const finding = { ...f, seed: opts.seed, iteration };
    stats.findings.push(finding);
    opts.onFinding?.(finding, stats.findings.length - 1);
  };
  const onUnhandled = (reason: unknown): void => {
    stats.unhandledRejections++;
    find({ target: 'validation', op: 'unhandled-rejection', problem: `unhandled rejection: ${String(reason)}`, input: '' });
  };
  process.on('unhandledRejection', onUnhandled);
  for (const e of corpus) {
    const r = await validateBytes(e.fixture, e.names, e.raw, false);
    e.baseline = r instanceof Error ? { status: `rejected ${r.name}`, rcode: '', records: [] } : summarise(r);
  }
  const perValidation = opts.messagesPerValidation ?? 10;
  const start = Date.now();
  let lastProgress = start;
  try {
    while (Date.now() - start < opts.seconds * 1000) {
      iteration++;
      const e = rng.pick(corpus);
      // 1. Messages.
      for (let k = 0; k < perValidation; k++) {
        const i = rng.int(e.raw.length);
        let bytes = e.raw[i]!;
        let op = '';
        for (let depth = 1 + rng.int(3); depth > 0; depth--) {
          const m = rng.next() < 0.6 ? mutateWire(rng, bytes, rng.pick(rng.pick(corpus).raw)) : mutateRecords(rng, parseMessage(e.raw[i]!), allRecords);
          if (!m) continue;
          bytes = m.bytes;
          op += `${op ? '+' : ''}${m.op}`;
        }
        stats.messages++;
        try {
          parseMessage(bytes);
        } catch (err) {
          const p = expectedError(err, MessageError);
          if (p) find({ target: 'message', op, problem: p, input: Buffer.from(bytes).toString('base64') });
        }
      }
      // 2. Presentation text, anchors, fixture reader (one each per round).
      const rrText = rrToText(rng.pick(allRecords));
      const text = mutateText(rng, rng.next() < 0.5 ? rrText : `;; ANSWER SECTION:\n${rrText}\n`);
      stats.presentation++;
      try {
        if (text.startsWith(';;')) parseSectionedText(text);
        else parseZoneText(text);
      } catch (err) {
        const p = expectedError(err, PresentationError);
        if (p) find({ target: 'presentation', op: 'text', problem: p, input: text });
      }
      stats.anchors++;
      const anchorText = rng.next() < 0.5 ? mutateText(rng, e.fixture.trustAnchors.join('\n')) : mutateText(rng, xml);
      try {
        if (anchorText.includes('<')) parseRootAnchorsXml(anchorText, 'fuzz.xml', e.fixture.time);
        else parseAnchorText(anchorText, 'fuzz.anchors');
      } catch (err) {
        const p = expectedError(err, AnchorFileError);
        if (p) find({ target: 'anchors', op: 'text', problem: p, input: anchorText });
      }
      stats.fixtures++;
      const json = mutateText(rng, JSON.stringify({ ...e.fixture, exchanges: e.fixture.exchanges.slice(0, 2) }));
      let parsed: unknown;
      try {
        parsed = JSON.parse(json);
      } catch {
        parsed = undefined;
      }
      if (parsed !== undefined) {
        try {
          const f = checkFixture(parsed, 'fuzz.json');
          new FixtureSource(f, 'fuzz.json');
          fixtureAnchors(f, 'fuzz.json');
        } catch (err) {
          const p = expectedError(err, FixtureError, AnchorFileError);
          if (p) find({ target: 'fixture', op: 'json', problem: p, input: json });
        }
      }
      // 3. One whole validation with 1-3 mutated responses.
      const raw = [...e.raw];
      let op = '';
      for (let n = 1 + rng.int(3); n > 0; n--) {
        const i = rng.int(raw.length);
        const m = rng.next() < 0.4 ? mutateWire(rng, raw[i]!, rng.pick(e.raw)) : (() => {
          try {
            return mutateRecords(rng, parseMessage(raw[i]!), allRecords);
          } catch {
            return mutateWire(rng, raw[i]!, rng.pick(e.raw));
          }
        })();
        if (!m) continue;
        raw[i] = m.bytes;
        op += `${op ? '+' : ''}${m.op}@${i}`;
      }
      const prefetch = rng.next() < 0.25;
      const t0 = Date.now();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((res) => (timer = setTimeout(() => res('timeout'), VALIDATION_LIMIT_MS)));
      let outcome: ValidationResult | Error | 'timeout';
      try {
        outcome = await Promise.race([validateBytes(e.fixture, e.names, raw, prefetch), timeout]);
      } catch (err) {
        outcome = err instanceof Error ? err : new Error(String(err));
        find({ target: 'validation', op, problem: `validate() threw ${outcome.name}: ${outcome.message}`, input: mutatedFixture(e, raw), baseline: e.baseline!, source: e.file });
      } finally {
        clearTimeout(timer);
      }
      const ms = Date.now() - t0;
      stats.validations++;
      stats.maxValidationMs = Math.max(stats.maxValidationMs, ms);
      if (outcome === 'timeout') {
        find({ target: 'validation', op, problem: `validation over ${VALIDATION_LIMIT_MS} ms`, input: mutatedFixture(e, raw), baseline: e.baseline!, source: e.file });
      } else if (!(outcome instanceof Error)) {
        stats.verdicts[outcome.status] = (stats.verdicts[outcome.status] ?? 0) + 1;
        const lines = outcome.records.map(normaliseRecord);
        const p = judge(e.baseline!, summarise(outcome), e.original) ?? (new Set(lines).size !== lines.length ? 'a record is listed twice (RFC 2181 §5)' : undefined);
        if (p) find({ target: 'validation', op, problem: `${e.file}: ${p}`, input: mutatedFixture(e, raw), baseline: e.baseline!, source: e.file });
      } else {
        stats.verdicts['rejected'] = (stats.verdicts['rejected'] ?? 0) + 1;
      }
      if (iteration % 200 === 0) {
        const heap = process.memoryUsage().heapUsed / 2 ** 20;
        stats.maxHeapMb = Math.max(stats.maxHeapMb, heap);
        if (heap > MAX_HEAP_MB) find({ target: 'validation', op: 'heap', problem: `heap ${heap.toFixed(0)} MB over ${MAX_HEAP_MB} MB`, input: '' });
      }
      if (opts.progress && Date.now() - lastProgress > 30_000) {
        lastProgress = Date.now();
        opts.progress(stats, (lastProgress - start) / 1000);
      }
    }
  } finally {
    // Let prefetches of the last validation settle before the listener goes.
    await new Promise((r) => setTimeout(r, 50));
    process.off('unhandledRejection', onUnhandled);
  }
  stats.maxHeapMb = Math.max(stats.maxHeapMb, process.memoryUsage().heapUsed / 2 ** 20);
  return stats;
}

function mutatedFixture(e: Entry, raw: readonly Uint8Array[]): Fixture {
  return {
    ...e.fixture,
    description: `fuzz finding from ${e.file}`,
    exchanges: e.fixture.exchanges.map((x, i) => ({ name: x.name, type: x.type, response: Buffer.from(raw[i]!).toString('base64') })),
  };
}
