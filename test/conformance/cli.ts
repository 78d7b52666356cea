/**
 * `npm run conformance`: replays every Unbound val_* scenario against the
 * validator and prints one line per file (pass / fail / skip with its reason),
 * then "N passed, N failed, N skipped". Exit status 1 when any file fails.
 *
 * Options: -v (print the upstream exchanges and every step of failing files),
 * file names or substrings to run only those.
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SKIPS } from './skip-table.js';
import { loadScenario, runScenario, scenarioDir } from './scenario.js';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const verbose = args.includes('-v');
  const filters = args.filter((a) => a !== '-v');
  const dir = scenarioDir(packageRoot);
  if (!existsSync(dir)) {
    console.error(`conformance: the scenario folder ${dir} is absent (it is test/data/conformance/unbound-val)`);
    return 2;
  }
  const files = readdirSync(dir)
    .filter((f) => /^val_.*\.c?rpl$/.test(f))
    .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
    .sort();
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  let noAnswerSteps = 0;
  let noAnswerFiles = 0;
  const ede: string[] = [];
  const started = Date.now();
  for (const file of files) {
    const skip = SKIPS[file];
    if (skip) {
      skipped++;
      console.log(`${file}\tskip\t${skip.category}: ${skip.reason}`);
      continue;
    }
    try {
      const out = await runScenario(loadScenario(dir, file));
      const noEntry = out.steps.filter((s) => s.noEntryFor !== undefined).length;
      noAnswerSteps += noEntry;
      if (noEntry > 0) noAnswerFiles++;
      if (out.verdict === 'pass') passed++;
      else failed++;
      console.log(`${file}\t${out.verdict}\t${out.summary}`);
      ede.push(...out.edeMismatches);
      if (verbose && out.verdict === 'fail') for (const l of out.log) console.log(`    ${l}`);
    } catch (e) {
      failed++;
      console.log(`${file}\tfail\tharness error: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    }
  }
  if (ede.length > 0) {
    console.log(`\nEDE mismatches (bogus as expected, different EDE code; not counted as failures):`);
    for (const l of ede) console.log(`  ${l}`);
  }
  console.log(`\n${files.length} files in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (noAnswerSteps > 0) {
    console.log(`${noAnswerSteps} step(s) in ${noAnswerFiles} file(s) expected bogus ended in no answer: the stub asked a DS question no entry answers (see test/conformance/README.md)`);
  }
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
  return failed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    process.exit(2);
  },
);
