#!/usr/bin/env node
/**
 * Re-captures every DNSSEC lab case (test/lab/cases.json) into a replayable
 * fixture, fixtures/lab/<case>.json, through the BUILT command line:
 *
 *   npm run build && node test/lab/capture.mjs [--restart] [--case NAME]...
 *
 * For each case it runs `dnssec-stub validate QNAME QTYPE --server <lab
 * Unbound> --trust-anchor <lab root DS> --json --capture FILE` in-process
 * (dist/src/cli/main.js), then adds the case's expected verdict
 * (`expected.status`, the verdict the cited RFC decides), its RFC reference
 * and a description. The fixture's time is the capture time: the lab signs
 * its zones at build time (fresh signatures valid from an hour before to 30
 * days after; the expired and not-yet-valid zones 30 days before and a year
 * after), and a running lab is only reused within 7 days of its build, so
 * every window means the same at the capture time as in the live lab.
 * Replays (test/lab/fixtures.test.ts, `npm run demo`) validate at that time.
 *
 * A fixture is written even when dnssec-stub's verdict differs from the
 * expected one (the replay test then shows the validator bug); the script
 * lists the differences and exits 1. Needs root and the lab tools (see
 * README.md). Starts the lab as its own user and stops it at the end unless
 * another user (a test run) still holds it.
 *
 * Options: --restart  rebuild the lab (new keys and signatures) first
 *          --case N   capture only case N (repeatable)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const OUT_DIR = join(ROOT, 'fixtures', 'lab');
const LABCTL = join(HERE, 'labctl.mjs');
const USER = `capture-${process.pid}`;
const TIMEOUT_MS = 3000;

function labctl(command, extra = []) {
  const out = execFileSync(process.execPath, [LABCTL, command, '--user', USER, ...extra], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 120_000,
  });
  return out;
}

/** Collects what the CLI writes. */
function memoryIo() {
  const io = { out: '', err: '' };
  return {
    io,
    cli: { stdout: { write: (t) => (io.out += t) }, stderr: { write: (t) => (io.err += t) }, isTTY: false, env: {} },
  };
}

/** Stable order for diffs: exchanges by name, then type. */
function byQuestion(a, b) {
  return a.name === b.name ? (a.type < b.type ? -1 : a.type > b.type ? 1 : 0) : a.name < b.name ? -1 : 1;
}

async function main(argv) {
  const restart = argv.includes('--restart');
  const only = argv.flatMap((a, i) => (argv[i - 1] === '--case' ? [a] : []));
  if (!existsSync(CLI)) {
    console.error(`capture: ${relative(process.cwd(), CLI)} is missing: run \`npm run build\` first`);
    return 2;
  }
  const cases = JSON.parse(readFileSync(join(HERE, 'cases.json'), 'utf8')).cases;
  const unknown = only.filter((n) => !cases.some((c) => c.name === n));
  if (unknown.length > 0) {
    console.error(`capture: no such case: ${unknown.join(', ')}`);
    return 2;
  }
  const { main: cliMain } = await import(pathToFileURL(CLI).href);

  const lab = JSON.parse(labctl('start', restart ? ['--restart'] : []));
  const tmp = mkdtempSync(join(tmpdir(), 'dnssec-stub-capture-'));
  const differing = [];
  let written = 0;
  try {
    mkdirSync(OUT_DIR, { recursive: true });
    for (const c of cases) {
      if (only.length > 0 && !only.includes(c.name)) continue;
      const captureFile = join(tmp, `${c.name}.json`);
      const { io, cli } = memoryIo();
      const args = [
        'validate',
        c.qname,
        c.qtype,
        '--server',
        `${lab.resolver.address}:${lab.resolver.port}`,
        '--timeout',
        String(TIMEOUT_MS),
        '--trust-anchor',
        lab.anchors.ds,
        '--json',
        '--capture',
        captureFile,
      ];
      const code = await cliMain(args, cli);
      let status = 'error';
      try {
        status = JSON.parse(io.out).status;
      } catch {
        // status stays 'error': the output is shown below.
      }
      if (!existsSync(captureFile)) {
        console.error(`capture: ${c.name}: no capture written (exit ${code}): ${io.err.trim()}`);
        differing.push(`${c.name}: no capture`);
        continue;
      }
      const captured = JSON.parse(readFileSync(captureFile, 'utf8'));
      const fixture = {
        format: captured.format,
        version: captured.version,
        time: captured.time,
        capturedAt: captured.capturedAt,
        description: c.why,
        question: { name: c.qname, type: c.qtype },
        trustAnchors: captured.trustAnchors,
        exchanges: [...captured.exchanges].sort(byQuestion),
        expected: { status: c.expected, ...(c.rfc ? { note: c.rfc } : {}) },
      };
      writeFileSync(join(OUT_DIR, `${c.name}.json`), `${JSON.stringify(fixture, null, 1)}\n`);
      written++;
      const mark = status === c.expected ? 'ok  ' : 'DIFF';
      console.log(`${mark} ${c.name.padEnd(32)} expected ${c.expected.padEnd(8)} got ${status.padEnd(8)} ${fixture.exchanges.length} exchanges`);
      if (status !== c.expected) differing.push(`${c.name}: expected ${c.expected}, got ${status}`);
    }
    if (only.length === 0) {
      // Fixtures of cases that no longer exist would replay a stale table.
      const names = new Set(cases.map((c) => `${c.name}.json`));
      for (const f of readdirSync(OUT_DIR)) {
        if (f.endsWith('.json') && !names.has(f)) {
          rmSync(join(OUT_DIR, f));
          console.log(`removed ${f} (no such case in cases.json)`);
        }
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
    labctl('stop');
  }
  console.log(`capture: ${written} fixture(s) written to ${relative(process.cwd(), OUT_DIR) || '.'}; ${differing.length} differ from the expected verdict`);
  for (const d of differing) console.log(`  ${d}`);
  return differing.length === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    console.error(`capture: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 2;
  },
);
