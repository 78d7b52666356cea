/**
 * src/cli/argv.ts against node:util's parseArgs (strict), the parser it
 * replaces at start-up: for thousands of command lines over this CLI's option
 * tables and a table with every kind of option (short strings, groups,
 * repeatable booleans), the same values and positionals, or the same first
 * line of the error (parseArgs' messages are cut to that line and lose the
 * "To specify a positional argument ..." hint, as the CLI has always shown
 * them).
 */
import { describe, expect, it } from 'vitest';
import { SESSION_OPTIONS } from '../../src/cli/args.js';
import { Prng } from '../support/prng.js';
import { EVERY_KIND, type Table, oracle, ours } from './argv-oracle.js';

const VALIDATE_LIKE: Table = {
  ...SESSION_OPTIONS,
  json: { type: 'boolean' },
  trace: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  from: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

/** The pieces command lines are made of: every option of the table in each spelling, values, and the odd ones. */
function pieces(options: Table): string[] {
  const out = ['--', '-', 'example.com', 'MX', '127.0.0.1', '', '=', '-5', '--5', '---x', '--=v', '-=', '--__proto__', '-Z', '--nope', '--nope=1', '-hV', 'a=b', '-', '--x=1'];
  for (const [name, spec] of Object.entries(options)) {
    out.push(`--${name}`, `--${name}=`, `--${name}=v`, `--${name}=-v`);
    if (spec.short) out.push(`-${spec.short}`, `-${spec.short}v`, `-${spec.short}${spec.short}`, `-${spec.short}-`);
  }
  const shorts = Object.values(options).flatMap((s) => (s.short ? [s.short] : []));
  for (const a of shorts) for (const b of shorts) out.push(`-${a}${b}`, `-${a}${b}x`);
  return out;
}

describe('parseArgv: parseArgs (strict) without node:util', () => {
  for (const [label, options] of [
    ['a validate-like table', VALIDATE_LIKE],
    ['a table with every kind of option', EVERY_KIND],
  ] as const) {
    for (const allowPositionals of [true, false]) {
      it(`${label}, positionals ${allowPositionals ? 'allowed' : 'refused'}: the same result or message for 3,000 command lines`, () => {
        const prng = new Prng(allowPositionals ? 20261130 : 1130);
        const from = pieces(options);
        let errors = 0;
        for (let i = 0; i < 3000; i++) {
          const args = Array.from({ length: prng.int(6) }, () => prng.pick(from));
          const want = oracle(args, options, allowPositionals);
          if (typeof want === 'string') errors++;
          expect(ours(args, options, allowPositionals), JSON.stringify(args)).toEqual(want);
        }
        // Both outcomes are covered: command lines that parse and ones that are refused.
        expect(errors).toBeGreaterThan(300);
        expect(errors).toBeLessThan(2700);
      });
    }
  }

  it('the usual cases, spelt out', () => {
    expect(ours(['--server', '127.0.0.1#5353', '--json', 'example.com', 'MX'], VALIDATE_LIKE, true)).toEqual({
      values: { server: ['127.0.0.1#5353'], json: true },
      positionals: ['example.com', 'MX'],
    });
    expect(ours(['--trust-anchor=a', '--trust-anchor', 'b', '--', '--json'], VALIDATE_LIKE, true)).toEqual({
      values: { 'trust-anchor': ['a', 'b'] },
      positionals: ['--json'],
    });
    expect(ours(['-ab', '-bsfile', '-t', 'x'], EVERY_KIND, false)).toEqual({ values: { alpha: true, beta: [true, true], size: 'file', tag: ['x'] }, positionals: [] });
    expect(ours(['--no-such-option'], VALIDATE_LIKE, true)).toBe("Unknown option '--no-such-option'");
    expect(ours(['--json=yes'], VALIDATE_LIKE, true)).toBe("Option '--json' does not take an argument");
    expect(ours(['-h=1'], VALIDATE_LIKE, true)).toBe("Unknown option '-='");
    expect(ours(['--at'], VALIDATE_LIKE, true)).toBe("Option '--at <value>' argument missing");
    expect(ours(['--at', '-1'], VALIDATE_LIKE, true)).toBe("Option '--at' argument is ambiguous.");
    expect(ours(['example.com'], EVERY_KIND, false)).toBe("Unexpected argument 'example.com'. This command does not take positional arguments");
  });
});
