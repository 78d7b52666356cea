#!/usr/bin/env node
/**
 * Captures every mail case (test/lab/mail-cases.json) into a replayable
 * fixture, fixtures/lab/mail/<case>.json, through the BUILT command line:
 *
 *   npm run build && DNSSEC_LAB_NET=127.N node test/lab/mail-capture.mjs [--case NAME]...
 *
 * For each case it runs `dnssec-stub mail DOMAIN --server <lab Unbound>
 * --trust-anchor <lab root DS> --json --capture FILE` in-process, then adds
 * the case's expectation to the fixture's `mail` field (overall status and
 * each host's DANE verdict) and `expected.status`, so that `npm run demo`
 * (which walks fixtures/lab recursively) replays the report offline and
 * checks it. Exits 1 when a live report differs from its case. Starts the
 * lab as its own user and stops it at the end unless another user holds it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const OUT_DIR = join(ROOT, 'fixtures', 'lab', 'mail');
const LABCTL = join(HERE, 'labctl.mjs');
const USER = `mail-capture-${process.pid}`;

function labctl(command, extra = []) {
  return execFileSync(process.execPath, [LABCTL, command, '--user', USER, ...extra], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 120_000 });
}

const byQuestion = (a, b) => (a.name === b.name ? (a.type < b.type ? -1 : a.type > b.type ? 1 : 0) : a.name < b.name ? -1 : 1);

async function main(argv) {
  const only = argv.flatMap((a, i) => (argv[i - 1] === '--case' ? [a] : []));
  if (!existsSync(CLI)) {
    console.error(`mail-capture: ${relative(process.cwd(), CLI)} is missing: run \`npm run build\` first`);
    return 2;
  }
  const cases = JSON.parse(readFileSync(join(HERE, 'mail-cases.json'), 'utf8')).cases;
  const { main: cliMain } = await import(pathToFileURL(CLI).href);
  const lab = JSON.parse(labctl('start'));
  const tmp = mkdtempSync(join(tmpdir(), 'dnssec-stub-mail-capture-'));
  const differing = [];
  try {
    mkdirSync(OUT_DIR, { recursive: true });
    for (const c of cases) {
      if (only.length > 0 && !only.includes(c.name)) continue;
      const file = join(tmp, `${c.name}.json`);
      let out = '';
      let err = '';
      const io = { stdout: { write: (t) => (out += t) }, stderr: { write: (t) => (err += t) }, isTTY: false, env: {} };
      const dkim = (c.dkim ?? []).flatMap((s) => ['--dkim', s]);
      const args = ['mail', c.domain, ...dkim, '--server', `${lab.resolver.address}:${lab.resolver.port}`, '--trust-anchor', lab.anchors.ds, '--json', '--capture', file];
      const code = await cliMain(args, io);
      if (!existsSync(file)) {
        differing.push(`${c.name}: no capture (exit ${code}): ${err.trim()}`);
        continue;
      }
      const report = JSON.parse(out);
      const got = [report.status, ...report.hosts.map((h) => `${h.name}=${h.dane}`)].join(' ');
      const want = [c.status, ...c.dane.map(([h, v]) => `${h}=${v}`)].join(' ');
      const captured = JSON.parse(readFileSync(file, 'utf8'));
      const fixture = {
        format: captured.format,
        version: captured.version,
        time: captured.time,
        capturedAt: captured.capturedAt,
        description: `mail ${c.domain}: ${c.rfc}`,
        trustAnchors: captured.trustAnchors,
        exchanges: [...captured.exchanges].sort(byQuestion),
        expected: { status: c.status, note: c.rfc },
        mail: {
          domains: [c.domain],
          dkimSelectors: c.dkim ?? [],
          expected: { [c.domain]: { status: c.status, dane: Object.fromEntries(c.dane) } },
        },
      };
      writeFileSync(join(OUT_DIR, `${c.name}.json`), `${JSON.stringify(fixture, null, 1)}\n`);
      console.log(`${got === want ? 'ok  ' : 'DIFF'} ${c.name.padEnd(32)} ${got} (${fixture.exchanges.length} exchanges)`);
      if (got !== want) differing.push(`${c.name}: expected ${want}, got ${got}`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
    labctl('stop');
  }
  for (const d of differing) console.log(`  ${d}`);
  return differing.length === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (e) => {
    console.error(`mail-capture: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 2;
  },
);
