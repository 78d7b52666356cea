/**
 * The DNSSEC lab, offline: every fixture in fixtures/lab/ (captured from the
 * lab by test/lab/capture.mjs) replays without network, at its capture time
 * with its own trust anchor, to the verdict its case expects. No servers,
 * no root: this runs everywhere and covers the same ground as
 * differential.test.ts.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main, type CliIo } from '../../src/cli/main.js';
import { listFixtures as listFixturesDeep } from '../../src/cli/demo.js';
import { type Fixture, FixtureSource, fixtureAnchors, readFixture } from '../../src/fixtures/fixture.js';
import { UpstreamError, type ValidationResult } from '../../src/validator/result.js';
import { createValidator } from '../../src/validator/validator.js';
import { EDE } from '../../src/types.js';
import { loadCases } from './lab.js';
import { assertCovered } from '../support/covered.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const DIR = join(HERE, '..', '..', 'fixtures', 'lab');
const cases = loadCases();

function listFixtures(): string[] {
  try {
    return readdirSync(DIR)
      .filter((f) => f.endsWith('.json'))
      .sort();
  } catch (e) {
    throw new Error(`fixtures/lab is missing (${(e as Error).message}): run \`npm run build && node test/lab/capture.mjs\` where the lab can run`);
  }
}

const files = listFixtures();
const loaded = files.map((f) => ({ file: f, fixture: readFixture(join(DIR, f)) }));

async function replay(fixture: Fixture, file: string, opts: { at?: number; prefetch?: boolean } = {}): Promise<ValidationResult> {
  const q = fixture.question;
  if (!q) throw new Error(`${file}: no question`);
  const validator = createValidator({
    source: new FixtureSource(fixture, file),
    trustAnchors: fixtureAnchors(fixture, file),
    clock: () => opts.at ?? fixture.time,
    prefetch: opts.prefetch ?? true,
  });
  const res = await validator.validate(q.name, q.type);
  // Issue 13 item 1: every record handed out is covered.
  assertCovered(res);
  return res;
}

function reasonsOf(r: ValidationResult): string {
  return r.reasons.map((x) => `EDE ${x.ede} ${x.text}`).join('; ');
}

describe('fixtures/lab matches the lab case table', () => {
  it('holds one fixture per case of cases.json, and nothing else', () => {
    expect(files.map((f) => f.replace(/\.json$/, '')).sort()).toEqual(cases.map((c) => c.name).sort());
  });

  it.each(cases)('$name: the fixture asks $qname $qtype and expects $expected', (c) => {
    const found = loaded.find((l) => l.file === `${c.name}.json`);
    expect(found, `fixtures/lab/${c.name}.json`).toBeDefined();
    const f = found!.fixture;
    expect(f.question).toEqual({ name: c.qname, type: c.qtype });
    expect(f.expected?.status).toBe(c.expected);
    expect(f.trustAnchors.length).toBeGreaterThan(0);
    expect(f.exchanges.length).toBeGreaterThan(0);
    expect(f.exchanges.every((x) => x.response !== undefined), 'captured bytes, not hand-written text').toBe(true);
  });
});

describe('fixtures/lab replays offline to the expected verdict', () => {
  it.each(loaded)('$file', async ({ file, fixture }) => {
    const r = await replay(fixture, file);
    expect(r.status, `${file}: ${fixture.description ?? ''}\nreasons: ${reasonsOf(r)}`).toBe(fixture.expected?.status);
    // Without prefetching the ancestors' keys, the validator asks in another order; the capture still answers it all.
    let sequential: ValidationResult;
    try {
      sequential = await replay(fixture, file, { prefetch: false });
    } catch (e) {
      if (e instanceof UpstreamError) throw new Error(`${file}: replay without prefetch asks for a response the capture lacks: ${e.message}`);
      throw e;
    }
    expect(sequential.status).toBe(r.status);
    expect(sequential.rcode).toBe(r.rcode);
  });

  it('validates at the capture time: 31 days later the lab signatures have expired', async () => {
    const secure = loaded.find((l) => l.file === 'alg13-positive.json');
    expect(secure, 'fixtures/lab/alg13-positive.json').toBeDefined();
    const { file, fixture } = secure!;
    expect((await replay(fixture, file)).status).toBe('secure');
    // The lab signs with a 30-day validity (test/lab/build.mjs); RFC 4035 §5.3.1: expired signatures do not validate.
    const later = await replay(fixture, file, { at: fixture.time + 31 * 86_400 });
    expect(later.status).toBe('bogus');
    expect(later.reasons.map((x) => x.ede)).toContain(EDE.SIGNATURE_EXPIRED);
  });

  it.each([
    ['bogus-expired.json', EDE.SIGNATURE_EXPIRED],
    ['bogus-not-yet-valid.json', EDE.SIGNATURE_NOT_YET_VALID],
  ] as const)('%s is bogus at the capture time for its signature window (EDE %i), as in the live lab', async (name, ede) => {
    // RFC 4035 §5.3.1: the validation time must lie within [inception, expiration]. The lab signs these
    // zones 60-30 days before and 365-395 days after its build; the capture time is within 7 days of it.
    const found = loaded.find((l) => l.file === name);
    expect(found, `fixtures/lab/${name}`).toBeDefined();
    const r = await replay(found!.fixture, name);
    expect(r.status).toBe('bogus');
    expect(r.reasons.map((x) => x.ede), reasonsOf(r)).toContain(ede);
  });

  it('`dnssec-stub demo fixtures/lab` replays every fixture with its expected verdict (exit 0)', async () => {
    let out = '';
    let err = '';
    const io: CliIo = { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) }, isTTY: false, env: {} };
    const code = await main(['demo', DIR], io);
    expect(code, `${err}\n${out.split('\n').filter((l) => /MISMATCH|cannot replay/.test(l)).join('\n')}`).toBe(0);
    for (const f of files) expect(out).toContain(`;; ${f}:`);
    // demo walks subdirectories too (fixtures/lab/mail: the mail reports, test/lab/mail-fixtures.test.ts).
    const all = listFixturesDeep(DIR).length;
    expect(out).toContain(`;; ${all} fixtures replayed, ${all} as expected`);
  });
});
