/**
 * The oracle of the argv.ts tests: node:util's parseArgs (strict), its error cut to the first line without the
 * positional hint, as the CLI showed its errors before argv.ts; and argv.ts's answer in the same shape.
 */
import { parseArgs } from 'node:util';
import { expect } from 'vitest';
import { type OptionSpec, parseArgv } from '../../src/cli/argv.js';
import { UsageError } from '../../src/cli/io.js';

export type Table = Record<string, OptionSpec>;

/** A table with every kind of option: short and long booleans (one repeatable), short and long strings (one repeatable). */
export const EVERY_KIND: Table = {
  alpha: { type: 'boolean', short: 'a' },
  beta: { type: 'boolean', short: 'b', multiple: true },
  size: { type: 'string', short: 's' },
  tag: { type: 'string', short: 't', multiple: true },
  name: { type: 'string' },
  x: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

export type Parsed = { values: Record<string, unknown>; positionals: string[] } | string;

export function oracle(args: string[], options: Table, allowPositionals: boolean): Parsed {
  try {
    const r = parseArgs({ args, options, allowPositionals, strict: true });
    return { values: { ...r.values }, positionals: r.positionals };
  } catch (e) {
    return (e as Error).message.split('\n')[0]!.replace(/\. To specify a positional argument.*$/, '');
  }
}

/** argv.ts's result (its values object has a null prototype, as parseArgs'), or its UsageError's message. */
export function ours(args: string[], options: Table, allowPositionals: boolean): Parsed {
  try {
    const r = parseArgv(args, options, allowPositionals);
    expect(Object.getPrototypeOf(r.values)).toBe(null);
    return { values: { ...r.values }, positionals: r.positionals };
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
}
