/**
 * `npm run fuzz -- --seed S --seconds N [--findings DIR] [--messages-per-validation M]`:
 * runs the fuzzer
 * (test/fuzz/engine.ts) for N seconds (default 60) from seed S (default: the
 * time), prints the counts, and writes each finding to DIR (default
 * fixtures/fuzz-findings) as NAME.json, to be kept as a regression test
 * (test/fuzz/findings.test.ts replays every file there). Exit status 0 with no
 * findings, 1 with findings, 2 on a usage error.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Finding, fuzz, type FuzzStats } from './engine.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const seed = Number(arg('--seed') ?? Date.now() % 2 ** 31);
const seconds = Number(arg('--seconds') ?? 60);
const findingsDir = arg('--findings') ?? join(ROOT, 'fixtures', 'fuzz-findings');
const messagesPerValidation = Number(arg('--messages-per-validation') ?? 12);
if (!Number.isInteger(seed) || seed < 0 || !Number.isFinite(seconds) || seconds <= 0) {
  console.error('usage: npm run fuzz -- [--seed S (integer >= 0)] [--seconds N] [--findings DIR]');
  process.exit(2);
}

function line(s: FuzzStats, elapsed: number): string {
  return (
    `${elapsed.toFixed(0)} s: ${s.messages} messages, ${s.presentation} presentation texts, ${s.anchors} anchor texts, ${s.fixtures} fixture texts, ` +
    `${s.validations} validations (${Object.entries(s.verdicts).map(([k, v]) => `${k} ${v}`).join(', ')}), ` +
    `slowest validation ${s.maxValidationMs} ms, heap max ${s.maxHeapMb.toFixed(0)} MB, unhandled rejections ${s.unhandledRejections}, findings ${s.findings.length}`
  );
}

const t0 = Date.now();
console.log(`# fuzz seed ${seed}, ${seconds} s, Node ${process.version}`);
function write(f: Finding, i: number): void {
  mkdirSync(findingsDir, { recursive: true });
  const file = join(findingsDir, `${f.target}-seed${f.seed}-${f.iteration}-${i}.json`);
  writeFileSync(file, JSON.stringify(f, null, 1) + '\n');
  console.log(`finding: ${f.target} ${f.op}: ${f.problem.slice(0, 300)} -> ${file}`);
}

const stats = await fuzz({ root: ROOT, seed, seconds, messagesPerValidation, progress: (s, e) => console.log(line(s, e)), onFinding: write });
console.log(line(stats, (Date.now() - t0) / 1000));
if (stats.findings.length > 0) process.exitCode = 1;
