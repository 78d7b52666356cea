/**
 * Adversarial benchmark: `npm run bench:adversarial`.
 *
 * Replays every fixture in fixtures/adversarial (validly signed hostile
 * shapes, test/adversarial/scenarios.ts) and, as the honest baseline, every
 * fixture in fixtures/lab, each with a fresh validator (no cache carried
 * over: the cold cost of one question), through the project's fixture reader.
 * Per fixture: the CPU time of one question (process.cpuUsage, user + system;
 * median and max over the rounds, measured after a warm-up round), its verdict
 * (checked against the fixture's expected verdict; a wrong one aborts) and
 * the number of upstream exchanges it made. Then the worst adversarial
 * question, the worst honest one, and their ratio, all from the same run.
 *
 *   npm run bench:adversarial [-- --rounds N]     (default 15 rounds)
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createValidator } from '../src/validator/validator.js';
import { type Fixture, FixtureSource, fixtureAnchors, readFixture } from '../src/fixtures/fixture.js';
import type { Name } from '../src/wire/name.js';

function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'dnssec-stub') return dir;
    dir = dirname(dir);
  }
  throw new Error('cannot find the dnssec-stub package root above bench/adversarial');
}

const ROOT = packageRoot();
const argRounds = process.argv.indexOf('--rounds');
const ROUNDS = argRounds > 0 ? Math.max(1, Number(process.argv[argRounds + 1]) || 15) : 15;

interface Row {
  readonly group: 'adversarial' | 'honest';
  readonly name: string;
  readonly fixture: Fixture;
  readonly source: FixtureSource;
  readonly samples: number[];
  status?: string;
  exchanges?: number;
  reason?: string;
}

function load(group: Row['group'], dir: string): Row[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const fixture = readFixture(join(dir, f));
      return { group, name: f.replace(/\.json$/, ''), fixture, source: new FixtureSource(fixture, f), samples: [] };
    });
}

async function once(row: Row, record: boolean): Promise<void> {
  const f = row.fixture;
  let exchanges = 0;
  const source = {
    query: (name: Name, type: number) => {
      exchanges++;
      return row.source.query(name, type);
    },
  };
  const v = createValidator({ source, trustAnchors: fixtureAnchors(f), clock: () => f.time, prefetch: false });
  const t0 = process.cpuUsage();
  const res = await v.validate(f.question!.name, f.question!.type);
  const d = process.cpuUsage(t0);
  if (f.expected && res.status !== f.expected.status) {
    throw new Error(`${row.name}: ${res.status}, expected ${f.expected.status}: ${res.reasons.map((r) => r.text).join('; ')}`);
  }
  if (record) row.samples.push((d.user + d.system) / 1000);
  row.status = res.status;
  row.exchanges = exchanges;
  row.reason = res.reasons[0] ? `EDE ${res.reasons[0].ede}: ${res.reasons[0].text}` : '';
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const rows = [...load('adversarial', join(ROOT, 'fixtures', 'adversarial')), ...load('honest', join(ROOT, 'fixtures', 'lab'))];
for (const row of rows) await once(row, false);
for (let r = 0; r < ROUNDS; r++) for (const row of rows) await once(row, true);

console.log(`# adversarial benchmark: CPU ms per question (fresh validator each, fixture replay, no network), ${ROUNDS} rounds after a warm-up; Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
console.log('# group name status exchanges cpu-ms(median) cpu-ms(max) first-reason');
for (const row of rows) {
  if (row.group === 'honest') continue;
  console.log(`adversarial ${row.name} ${row.status} ${row.exchanges} ${median(row.samples).toFixed(2)} ${Math.max(...row.samples).toFixed(2)} ${row.reason?.slice(0, 120) ?? ''}`);
}
const worst = (g: Row['group']) => rows.filter((r) => r.group === g).reduce((a, b) => (median(b.samples) > median(a.samples) ? b : a));
const honest = rows.filter((r) => r.group === 'honest');
const wa = worst('adversarial');
const wh = worst('honest');
const honestMedian = median(honest.map((r) => median(r.samples)));
console.log(`honest-baseline fixtures/lab ${honest.length} questions: median ${honestMedian.toFixed(2)} ms, worst ${median(wh.samples).toFixed(2)} ms (${wh.name})`);
console.log(`worst-adversarial ${wa.name} ${median(wa.samples).toFixed(2)} ms (max ${Math.max(...wa.samples).toFixed(2)} ms) = ${(median(wa.samples) / median(wh.samples)).toFixed(1)}x the worst honest question, ${(median(wa.samples) / honestMedian).toFixed(1)}x the honest median`);
