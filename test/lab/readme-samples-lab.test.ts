/**
 * README's library samples run, as written, against the DNSSEC lab: the
 * quick start and the checkMail loop, with only what a reader substitutes
 * changed — the resolver address (the lab's Unbound), the trust anchor (the
 * lab root's, passed where the sample says "the shipped root-anchors.xml"),
 * the names (lab names for example.com) — and console.log collected.
 * Needs root and the lab tools; skipped with the reason otherwise (CI=true
 * makes that a failure).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTrustAnchorFile } from '../../src/index.js';
import type { TrustAnchor } from '../../src/index.js';
import { packageSamples } from '../support/readme-samples.js';
import { labUnavailableReason, startLab, stopLab, type StartedLab } from './lab.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CI = process.env['CI'] === 'true' || process.env['CI'] === '1';
const unavailable = labUnavailableReason();
const skip = unavailable !== null && !CI;
if (skip) console.warn(`[test/lab] README sample tests skipped: ${unavailable}`);

const samples = packageSamples(readFileSync(join(ROOT, 'README.md'), 'utf8'), ['ts']);
const quickStart = samples.find((s) => s.code.includes('validator.validate('));
const mailLoop = samples.find((s) => s.code.includes('checkMail('));

declare global {
  // eslint-disable-next-line no-var
  var readmeSample: { out: unknown[][]; log: (...args: unknown[]) => void; anchors: TrustAnchor[] } | undefined;
}

describe.skipIf(skip)('README library samples against the DNSSEC lab', () => {
  let lab: StartedLab;
  let n = 0;
  // Outside the repository: tsconfig.json includes test/, and these files are not for the typecheck.
  let dir = '';

  beforeAll(async () => {
    if (unavailable !== null) throw new Error(`CI=true but the DNSSEC lab cannot run: ${unavailable}`);
    dir = mkdtempSync(join(tmpdir(), 'dnssec-stub-readme-run-'));
    lab = await startLab();
  }, 120_000);

  afterAll(async () => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    await stopLab();
  });

  /** Runs `code` as a module with the reader's substitutions; resolves to what it logged. */
  async function run(code: string, names: [from: string, to: string][]): Promise<unknown[][]> {
    const out: unknown[][] = [];
    globalThis.readmeSample = { out, log: (...args) => out.push(args), anchors: loadTrustAnchorFile(lab.anchors.xml) };
    let src = code
      .replace(/from 'dnssec-stub'/g, `from '${join(ROOT, 'src', 'index.ts')}'`)
      .replaceAll("{ host: '127.0.0.1', port: 53 }", `{ host: '${lab.resolver.address}', port: ${lab.resolver.port} }`)
      .replace(/createValidator\(\{ source \}\)/g, 'createValidator({ source, trustAnchors: globalThis.readmeSample!.anchors })')
      .replace(/console\.log\(/g, 'globalThis.readmeSample!.log(');
    for (const [from, to] of names) {
      expect(src, `the sample names ${from}`).toContain(from);
      src = src.replaceAll(from, to);
    }
    expect(src).toContain('trustAnchors: globalThis.readmeSample');
    const file = join(dir, `sample-${process.pid}-${n++}.ts`);
    writeFileSync(file, `${src}\nexport {};\n`);
    await import(/* @vite-ignore */ file);
    return out;
  }

  it('the quick start prints the records of a secure TLSA answer', async () => {
    const out = await run(quickStart!.code, [["'_25._tcp.mx.example.com'", "'_25._tcp.mx1.mail.lab'"]]);
    expect(out).toHaveLength(1);
    expect(String(out[0]![0])).toMatch(/^_25\._tcp\.mx1\.mail\.lab\.\t\d+\tIN\tTLSA\t3 1 1 [0-9A-F]{64}$/);
  }, 60_000);

  it('the quick start prints status and reasons of a bogus one (EDE 6, bad signature)', async () => {
    const out = await run(quickStart!.code, [["'_25._tcp.mx.example.com'", "'_25._tcp.mx1.badsig.lab'"]]);
    expect(out).toHaveLength(1);
    expect(out[0]![0]).toBe('bogus');
    expect(out[0]![1]).toMatchObject([{ ede: 6, zone: 'badsig.lab.' }]);
  }, 60_000);

  it('the checkMail loop says authenticated TLS for each MX host with usable TLSA (RFC 7672 §2.2)', async () => {
    const out = await run(mailLoop!.code, [["checkMail('example.com'", "checkMail('good.dane.lab'"]]);
    expect(out).toEqual([
      ['mx.good.dane.lab.', 'authenticated TLS, 1 usable TLSA'],
      ['mx2.good.dane.lab.', 'authenticated TLS, 1 usable TLSA'],
    ]);
  }, 60_000);
});
