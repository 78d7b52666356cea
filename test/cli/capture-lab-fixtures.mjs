#!/usr/bin/env node
// Captures one fixture per lab case (test/lab/cases.json) for `dnssec-stub demo`:
//
//   npm run build && node test/cli/capture-lab-fixtures.mjs [OUT_DIR]     (default fixtures/lab)
//
// Needs the lab running (node test/lab/labctl.mjs start). Each fixture holds
// every exchange of one validation through the lab resolver, the lab root
// anchor (DS), the case's question and its expected verdict from cases.json;
// `dnssec-stub demo OUT_DIR` then replays them offline at their capture time.
// Prints each case whose live verdict differs from the expected one.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const out = resolve(process.argv[2] ?? join(ROOT, 'fixtures', 'lab'));
const EXIT_STATUS = { 0: 'secure', 1: 'insecure', 2: 'bogus' };

const env = JSON.parse(execFileSync(process.execPath, [join(ROOT, 'test', 'lab', 'labctl.mjs'), 'status'], { encoding: 'utf8' }));
const { cases } = JSON.parse(readFileSync(env.casesFile, 'utf8'));
mkdirSync(out, { recursive: true });

let differing = 0;
for (const c of cases) {
  const file = join(out, `${c.name}.json`);
  let code;
  try {
    execFileSync(process.execPath, [BIN, 'validate', c.qname, c.qtype, '--server', `${env.resolver.address}:${env.resolver.port}`, '--trust-anchor', env.anchors.ds, '--capture', file], { stdio: 'ignore' });
    code = 0;
  } catch (e) {
    code = e.status;
  }
  const got = EXIT_STATUS[code] ?? `exit ${code}`;
  const fixture = JSON.parse(readFileSync(file, 'utf8'));
  fixture.description = `${c.why} (${c.rfc ?? 'lab case'})`;
  fixture.expected = { status: c.expected };
  writeFileSync(file, JSON.stringify(fixture, null, 1) + '\n');
  if (got !== c.expected) {
    differing++;
    console.log(`${c.name}: expected ${c.expected}, live verdict ${got}`);
  }
}
console.log(`${cases.length} fixtures written to ${out}; ${differing} live verdicts differ from cases.json`);
