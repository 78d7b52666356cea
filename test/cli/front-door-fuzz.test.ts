/**
 * The front door on random command lines (project principle 3): seeded
 * random argument lists made of options, option values, names and types,
 * good and bad, always replaying a lab fixture (so nothing reaches a
 * network). Every run ends with a documented exit status and, when it is an
 * error, exactly one line on stderr — never 70 ("internal error"), never a
 * stack trace. A failure names its seed and the argv, which replays it.
 */
import { describe, expect, it } from 'vitest';
import { Prng } from '../robustness/_support.js';
import { oneErrorLine, runCli } from './run-cli.js';

const FIXTURE = new URL('../../fixtures/lab/mail-tlsa.json', import.meta.url).pathname;
const RUNS = 300;
const DOCUMENTED = new Set([0, 1, 2, 3, 64, 74]);

const TOKENS = [
  '--json', '--trace', '--no-color', '--tcp', '--tls', '--tls=x', '--https', 'https://127.0.0.1/dns-query', '--ca', '/nonexistent.pem',
  '--timeout', '0', '100', '-5', '--at', '2026-02-30', '2026-11-30 10:00', '1796032800000', '1700000000', 'now', '--capture', '/nonexistent/x.json',
  '--trust-anchor', '/nonexistent.xml', FIXTURE, '--server', '127.0.0.1#0', '127.0.0.1@53', '@127.0.0.1', '[::1]:x', '--fixture', '--', '-', '',
  '-h', '--frobnicate', 'bücher.lab', 'BÜCHER.lab.', 'bü%41.lab', 'a'.repeat(64), `${'abcdefghi.'.repeat(26)}lab`, 'a..lab', '.', '\\000.lab',
  '_25._tcp.mx1.mail.lab.', 'mail.lab', 'A', 'MX', 'TLSA', 'ANY', 'RRSIG', 'TYPE0', 'TYPE65535', 'TYPE65536', 'AXFR', 'OPT', 'IN', '☃', '\u0000',
];

describe('random command lines end with a documented status and one clear line', () => {
  it(`${RUNS} seeded runs`, async () => {
    const problems: string[] = [];
    for (let seed = 1; seed <= RUNS; seed++) {
      const rng = new Prng(seed);
      const argv = ['validate'];
      const n = 1 + rng.int(6);
      for (let i = 0; i < n; i++) argv.push(rng.pick(TOKENS));
      argv.push('--fixture', FIXTURE);
      const r = await runCli(argv);
      const bad =
        !DOCUMENTED.has(r.code) ? `exit ${r.code}` : r.code >= 3 && !oneErrorLine(r.stderr) ? 'not one error line' : /internal error|\n\s+at /.test(r.stderr) ? 'internal error' : undefined;
      if (bad) problems.push(`seed ${seed}: ${bad}: ${JSON.stringify(argv)} -> ${JSON.stringify(r.stderr)}`);
    }
    expect(problems).toEqual([]);
  }, 120_000);
});
