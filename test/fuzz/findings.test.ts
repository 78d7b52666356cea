/**
 * Every fuzzer finding (fixtures/fuzz-findings, written by `npm run fuzz`) is
 * kept as a regression test: its input is fed to the same target again and
 * the fuzzer's oracle must hold (test/fuzz/engine.ts). The CLI check runs the
 * built command on the fixture findings: a malformed fixture is a usage error
 * (exit 64), never an internal error (70).
 */
import { readFileSync, readdirSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MessageError, parseMessage } from '../../src/wire/message.js';
import { PresentationError, parseZoneText } from '../../src/wire/presentation.js';
import { parseSectionedText } from '../../src/wire/sections.js';
import { AnchorFileError, parseAnchorText, parseRootAnchorsXml } from '../../src/dnssec/anchors.js';
import { type Fixture, FixtureError, FixtureSource, checkFixture, fixtureAnchors, readFixture } from '../../src/fixtures/fixture.js';
import { nameFromText } from '../../src/wire/name.js';
import { typeFromText } from '../../src/wire/rrtype.js';
import { type Finding, judge, normaliseRecord, signedRecordsOf, summarise, validateBytes } from './engine.js';
import { runCli } from '../cli/run-cli.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DIR = join(ROOT, 'fixtures', 'fuzz-findings');
const files = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();

function rawOf(f: Fixture): Uint8Array[] {
  return f.exchanges.map((x) => new Uint8Array(Buffer.from(x.response ?? '', 'base64')));
}

function namesOf(f: Fixture) {
  return f.exchanges.map((x) => ({ name: nameFromText(x.name), type: typeFromText(x.type)! }));
}

function onlyErrors(run: () => unknown, ...classes: (new (...a: never[]) => Error)[]): void {
  try {
    run();
  } catch (e) {
    expect(classes.some((c) => e instanceof c), `${(e as Error).name}: ${(e as Error).message}`).toBe(true);
  }
}

describe('fuzzer findings stay fixed (fixtures/fuzz-findings)', () => {
  it('the directory holds the findings of the runs so far', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  for (const file of files) {
    const finding = JSON.parse(readFileSync(join(DIR, file), 'utf8')) as Finding;
    it(`${file}: ${finding.target} (${finding.op}) — the oracle holds`, async () => {
      switch (finding.target) {
        case 'message':
          return onlyErrors(() => parseMessage(new Uint8Array(Buffer.from(finding.input as string, 'base64'))), MessageError);
        case 'presentation':
          return onlyErrors(() => ((finding.input as string).startsWith(';;') ? parseSectionedText(finding.input as string) : parseZoneText(finding.input as string)), PresentationError);
        case 'anchors':
          return onlyErrors(
            () => ((finding.input as string).includes('<') ? parseRootAnchorsXml(finding.input as string, 'f.xml', 0) : parseAnchorText(finding.input as string, 'f')),
            AnchorFileError,
          );
        case 'fixture': {
          onlyErrors(() => {
            const f = checkFixture(JSON.parse(finding.input as string), 'f.json');
            new FixtureSource(f, 'f.json');
            fixtureAnchors(f, 'f.json');
          }, FixtureError, AnchorFileError);
          // The command line reports it as a usage error, not an internal error.
          const path = join(mkdtempSync(join(tmpdir(), 'fuzz-finding-')), 'f.json');
          writeFileSync(path, finding.input as string);
          const r = await runCli(['validate', '--fixture', path]);
          expect([0, 1, 2, 3, 64], r.stderr).toContain(r.code);
          expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
          return;
        }
        case 'validation': {
          const mutated = finding.input as Fixture;
          const original = readFixture(join(ROOT, 'fixtures', finding.source!));
          const base = await validateBytes(original, namesOf(original), rawOf(original), false);
          expect(base).not.toBeInstanceOf(Error);
          const got = await validateBytes(mutated, namesOf(mutated), rawOf(mutated), false);
          if (got instanceof Error) return;
          const lines = got.records.map(normaliseRecord);
          expect(new Set(lines).size, 'no record listed twice (RFC 2181 §5)').toBe(lines.length);
          expect(judge(summarise(base as Exclude<typeof base, Error>), summarise(got), signedRecordsOf(rawOf(original)))).toBeUndefined();
          return;
        }
      }
    });
  }
});
