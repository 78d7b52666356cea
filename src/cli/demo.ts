/**
 * `dnssec-stub demo [DIR]`: replays every *.json fixture under DIR (no
 * network, each at its capture time with its own anchors) and prints each
 * verdict as `validate` does, one block per fixture. Exit 0 when every
 * fixture that states `expected.status` gets it, 1 otherwise (a fixture
 * that cannot be read or replayed counts as a failure).
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { FixtureSource, fixtureAnchors, readFixture } from '../fixtures/fixture.js';
import { typeFromText, typeToText } from '../wire/rrtype.js';
import { createValidator } from '../validator/validator.js';
import type { Status } from '../types.js';
import { UsageError, type DemoCommand } from './args.js';
import { formatText, formatTrace } from './format.js';
import { type CliIo, errorLine, useColor } from './io.js';
import { defaultDemoDir } from './package-info.js';
import { replayMailFixture } from './mail-demo.js';
import { mailFixtureField } from './mail-fixture.js';

/** Bound on the directory walk (fixtures are few; a symlink loop must not hang). */
const MAX_DEPTH = 8;
const MAX_FILES = 10_000;

/** Every *.json file under `dir`, sorted, depth-first. */
export function listFixtures(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, depth: number): void => {
    if (depth > MAX_DEPTH || out.length >= MAX_FILES) return;
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path, depth + 1);
      else if (entry.isFile() && entry.name.endsWith('.json') && out.length < MAX_FILES) out.push(path);
    }
  };
  walk(dir, 0);
  return out;
}

type Outcome = { ok: true } | { ok: false; why: string };

async function replayOne(file: string, shown: string, cmd: DemoCommand, io: CliIo): Promise<Outcome> {
  const color = useColor(io, cmd.noColor);
  let expected: Status | undefined;
  let got: Status | 'error';
  try {
    const fixture = readFixture(file);
    if (mailFixtureField(fixture)) return await replayMailFixture(fixture, file, shown, io);
    expected = fixture.expected?.status;
    const q = fixture.question;
    if (!q) throw new Error('the fixture records no question');
    const type = typeFromText(q.type);
    if (type === undefined) throw new Error(`unknown question type ${JSON.stringify(q.type)}`);
    const header = [`${q.name} ${typeToText(type)}`, `at ${new Date(fixture.time * 1000).toISOString()}`, expected ? `expected ${expected}` : undefined];
    io.stdout.write(`;; ${shown}: ${header.filter((x) => x !== undefined).join(', ')}\n`);
    if (fixture.description) io.stdout.write(`;; ${fixture.description.replace(/\s*\n\s*/g, ' ')}\n`);
    const validator = createValidator({ source: new FixtureSource(fixture, file), trustAnchors: fixtureAnchors(fixture, file), clock: () => fixture.time });
    const result = await validator.validate(q.name, type);
    if (cmd.trace) io.stdout.write(formatTrace(result, fixture.time, { color: false }));
    io.stdout.write(formatText(result, { color }));
    got = result.status;
  } catch (e) {
    io.stdout.write(`;; ${shown}: cannot replay: ${errorLine(e)}\n`);
    return { ok: false, why: errorLine(e) };
  }
  if (expected === undefined) return { ok: true };
  if (got === expected) return { ok: true };
  io.stdout.write(`; MISMATCH: expected ${expected}, got ${got}\n`);
  return { ok: false, why: `expected ${expected}, got ${got}` };
}

export async function runDemo(cmd: DemoCommand, io: CliIo): Promise<number> {
  const dir = cmd.dir ?? defaultDemoDir();
  let files: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
    files = listFixtures(dir);
  } catch (e) {
    throw new UsageError(`cannot read the fixture directory ${dir}: ${errorLine(e)}`);
  }
  if (files.length === 0) {
    // errorLine: a directory name is shown without its control characters (io.ts), as in every other error line.
    io.stderr.write(`dnssec-stub: ${errorLine(`no *.json fixtures under ${dir}`)}\n`);
    return 1;
  }
  const failed: string[] = [];
  for (const [i, file] of files.entries()) {
    if (i > 0) io.stdout.write('\n');
    const shown = relative(dir, file) || file;
    const outcome = await replayOne(file, shown, cmd, io);
    if (!outcome.ok) failed.push(`${shown} (${outcome.why})`);
  }
  io.stdout.write(`\n;; ${files.length} fixture${files.length === 1 ? '' : 's'} replayed, ${files.length - failed.length} as expected${failed.length ? `, ${failed.length} not` : ''}\n`);
  for (const f of failed) io.stderr.write(`dnssec-stub: demo: ${errorLine(f)}\n`);
  return failed.length === 0 ? 0 : 1;
}
