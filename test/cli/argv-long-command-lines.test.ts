/**
 * The longest command lines Linux passes (ARG_MAX about 2 MB, one argument up
 * to MAX_ARG_STRLEN = 128 KiB) end like short ones: parsed, or one usage line
 * with exit 64 (project principle 3), never exit 70. argv.ts once spread the
 * arguments after `--` and the pieces of a short-option group into function
 * arguments (`push(...rest)`, `unshift(...group)`), which throws RangeError
 * ("Maximum call stack size exceeded") from about 120,000 elements, and it read
 * them with Array.shift, which is linear per call on arrays that large.
 */
import { describe, expect, it } from 'vitest';
import { type OptionSpec, parseArgv } from '../../src/cli/argv.js';
import { oneErrorLine, runCli } from './run-cli.js';

const TABLE: Record<string, OptionSpec> = {
  help: { type: 'boolean', short: 'h' },
  beta: { type: 'boolean', short: 'b', multiple: true },
  size: { type: 'string', short: 's' },
  tag: { type: 'string', multiple: true },
};

const MANY = 150_000;
/** The longest single argument the kernel passes, without its NUL. */
const LONGEST_ARG = 131_071;

describe('parseArgv: command lines as long as the kernel allows', () => {
  it(`"--" then ${MANY} arguments: all of them positionals, in order`, () => {
    const rest = Array.from({ length: MANY }, (_, i) => `n${i}`);
    const r = parseArgv(['--', ...rest], TABLE, true);
    expect(r.positionals.length).toBe(MANY);
    expect(r.positionals[0]).toBe('n0');
    expect(r.positionals[MANY - 1]).toBe(`n${MANY - 1}`);
  });

  it(`a group of ${LONGEST_ARG - 1} repeatable short booleans (-bbb...): one value per letter`, () => {
    const r = parseArgv([`-${'b'.repeat(LONGEST_ARG - 1)}`], TABLE, false);
    expect(r.values['beta']).toHaveLength(LONGEST_ARG - 1);
  });

  it('a long group that ends in a string option takes the next argument; "-" inside a group still ends the options', () => {
    const group = `-${'b'.repeat(LONGEST_ARG - 2)}s`;
    expect(parseArgv([group, 'file', 'x'], TABLE, true)).toEqual({ values: { beta: Array(LONGEST_ARG - 2).fill(true), size: 'file' }, positionals: ['x'] });
    // parseArgs reads -b-b as -b, --, -b: the rest are positionals.
    expect(parseArgv([`-${'b'.repeat(200_000)}-b`, '--help'], TABLE, true)).toEqual({ values: { beta: Array(200_000).fill(true) }, positionals: ['-b', '--help'] });
  });

  it(`${MANY} repeated string options keep every value in order`, () => {
    const args = Array.from({ length: MANY }, (_, i) => [`--tag`, `t${i}`]).flat();
    const r = parseArgv(args, TABLE, false);
    const tags = r.values['tag'] as string[];
    expect(tags.length).toBe(MANY);
    expect(tags[MANY - 1]).toBe(`t${MANY - 1}`);
  });
});

describe('the CLI on the longest command lines: a verdict or one usage line, never exit 70', () => {
  it.each([
    ['"--" then many names', ['validate', '--', ...Array.from({ length: MANY }, () => 'x.lab')]],
    ['many names', ['validate', ...Array.from({ length: MANY }, () => 'x.lab')]],
    ['a group of -h as long as one argument may be, then a name', ['validate', `-${'h'.repeat(LONGEST_ARG - 1)}`, '--', 'x.lab', 'A', 'extra']],
    ['a group of unknown letters', ['validate', `-${'q'.repeat(LONGEST_ARG - 1)}`]],
  ])('%s', async (_label, argv) => {
    const r = await runCli(argv);
    if (argv[1]!.startsWith('-h')) {
      // -h anywhere asks for the help (the extra positional is read, not judged).
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('Usage:');
    } else {
      expect(r.code).toBe(64);
      expect(oneErrorLine(r.stderr)).toBe(true);
      expect(r.stderr).not.toMatch(/internal error/);
    }
  });
});
