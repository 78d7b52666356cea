/**
 * src/cli/argv.ts against node:util's parseArgs (strict) on arguments outside
 * the pieces test/cli/argv.test.ts draws from: options named like members of
 * Object.prototype, "-" or "--" followed by non-ASCII or a lone surrogate,
 * control characters, a short that maps to a repeatable string option, a
 * table that itself has an option called "constructor". The same values and
 * positionals, or the same first line of the error; and through the CLI, one
 * usage line with exit 64, in which control characters (C0, DEL, C1) are shown
 * as \xHH: an argument cannot move the cursor, overwrite the line (CR) or
 * start a terminal escape sequence on the user's terminal (io.ts errorLine).
 */
import { describe, expect, it } from 'vitest';
import { type OptionSpec, parseArgv } from '../../src/cli/argv.js';
import { EVERY_KIND, type Table, oracle, ours } from './argv-oracle.js';
import { oneErrorLine, runCli } from './run-cli.js';

const WITH_PROTOTYPE_NAMES: Table = { ...EVERY_KIND, constructor: { type: 'string' } as OptionSpec, toString: { type: 'boolean', multiple: true } as OptionSpec };

const ODD: string[][] = [
  ['--constructor'], ['--constructor=x'], ['--toString'], ['--toString=1'], ['--hasOwnProperty'], ['--valueOf', 'x'],
  ['--__proto__'], ['--__proto__=x'], ['--__defineGetter__'], ['--isPrototypeOf=3'], ['--propertyIsEnumerable'], ['--prototype'],
  ['-é'], ['-😀'], ['-a😀'], ['-s😀'], ['-t😀', '-t', 'é'], ['--😀'], ['--é=ü'], ['-\ud83d'], ['--\udc00'], ['-h\u00e9'],
  // (No newline: the oracle's message is cut at its first line; the CLI's errorLine makes one line of it.)
  ['-\u0000'], ['--\u0000'], ['-\u001b[31m'], ['--\u001b]0;title\u0007'], ['--a\rb'], ['--name', 'a\nb'],
  ['-t', 'x', '-tfoo', '-t=y', '--tag=z'], ['-at', 'v'], ['-ta'], ['-ast'], ['-as'], ['-t'], ['-tt'], ['-st', 'x'], ['-t', '-'], ['-t', '--'],
  ['-t', '-a'], ['-t-a'], ['-ba-t'], ['-bb', '-b', '--', '-b'], ['---'], ['----'], ['--=', 'x'], ['--==='], ['--=a=b'], ['--name=a=b'], ['--x=', '--=='], ['--Alpha'], ['-A'], ['--a'], ['-alpha'],
  ['--name', ''], ['-s', ''], ['--alpha=1=2'], ['--alpha='], ['x', '--', '--alpha', '-'],
];

describe('parseArgv agrees with parseArgs beyond the random pieces', () => {
  for (const [label, table] of [
    ['a table with every kind of option', EVERY_KIND],
    ['a table with options named constructor and toString', WITH_PROTOTYPE_NAMES],
  ] as const) {
    for (const allowPositionals of [true, false]) {
      it(`${label}, positionals ${allowPositionals ? 'allowed' : 'refused'}: ${ODD.length} odd command lines`, () => {
        for (const args of ODD) expect(ours(args, table, allowPositionals), JSON.stringify(args)).toEqual(oracle(args, table, allowPositionals));
      });
    }
  }

  it('an option named like an Object.prototype member is read as its own, on a null-prototype result', () => {
    const r = parseArgv(['--constructor', 'c', '--toString', '--toString'], WITH_PROTOTYPE_NAMES, false);
    expect(Object.getPrototypeOf(r.values)).toBe(null);
    expect(r.values).toEqual({ constructor: 'c', toString: [true, true] });
  });
});

describe('the CLI on odd option names: one usage line, exit 64', () => {
  it.each([
    ['validate', '--constructor'], ['validate', '--__proto__=x'], ['validate', '--toString', 'x.lab'], ['validate', '-😀'], ['validate', '-\ud83d'],
    ['mail', '--hasOwnProperty', 'x.lab'], ['serve', '--__proto__'], ['doctor', '--valueOf=1'], ['validate', '--a\nb'],
  ])('%s %s', async (...argv) => {
    const r = await runCli(argv.filter((a): a is string => typeof a === 'string'));
    expect(r.code).toBe(64);
    expect(oneErrorLine(r.stderr)).toBe(true);
  });

  it.each([
    ['an escape sequence (OSC: set the window title)', ['validate', '--\u001b]0;pwned\u0007'], "Unknown option '--\\x1b]0;pwned\\x07'"],
    ['a carriage return (overwrites the line on a terminal)', ['mail', '--x\rdnssec-stub: all fine'], "Unknown option '--x\\x0ddnssec-stub: all fine'"],
    ['a C1 control (CSI) and DEL', ['serve', '--a\u009b2J\u007f'], "Unknown option '--a\\x9b2J\\x7f'"],
    ['NUL and a short-option ESC', ['validate', '-\u001b\u0000'], "Unknown option '-\\x1b'"],
  ])('control characters in an argument are shown escaped in the usage line: %s', async (_label, argv, message) => {
    const r = await runCli(argv);
    expect(r.code).toBe(64);
    expect(r.stderr).toBe(`dnssec-stub: ${message}\n`);
    expect(r.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  });
});
