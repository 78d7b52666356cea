/**
 * The command-line parser: node:util's parseArgs in strict mode, rewritten for
 * the option tables of this CLI, with the same results and the same first
 * line of each error (test/cli/argv.test.ts compares the two over thousands
 * of command lines). Why not parseArgs itself: loading and first running
 * node:util's parse_args modules costs about 1.3 ms of every command's
 * start-up, more than this whole file (`npm run bench:cli`).
 *
 * The POSIX utility conventions (Open Group Base Specifications, 12.2) as
 * parseArgs reads them:
 *   --name VALUE, --name=VALUE (string options); --name (boolean options)
 *   -h (a short boolean), -hV (a group of short booleans), -s VALUE or -sVALUE (a short string option)
 *   --  ends the options: everything after it is a positional argument; a lone "-" is a positional argument too
 * A string option takes the next argument as its value whatever it looks like; prepareArgs (options.ts) has already
 * refused the ones that look like an option. A repeated option keeps its last value, or all of them in order when
 * the table says `multiple`.
 */
import { UsageError } from './io.js';

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly multiple?: boolean;
  readonly short?: string;
}

export interface ParsedArgv {
  /** By long option name; a null-prototype object, as parseArgs gives. */
  readonly values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  readonly positionals: string[];
}

function has(options: Readonly<Record<string, OptionSpec>>, name: string): boolean {
  return Object.prototype.hasOwnProperty.call(options, name);
}

/** The long name of short option `c`, or `c` itself when no option has that short name (then unknown). */
function longOf(options: Readonly<Record<string, OptionSpec>>, c: string): string {
  for (const name of Object.keys(options)) if (options[name]!.short === c) return name;
  return c;
}

function typeOf(options: Readonly<Record<string, OptionSpec>>, name: string): OptionSpec['type'] | undefined {
  return has(options, name) ? options[name]!.type : undefined;
}

interface OptionToken {
  readonly name: string;
  /** As written: `--name` or `-c`, for messages. */
  readonly raw: string;
  readonly value: string | undefined;
  /** The value was part of the same argument (`--name=VALUE`, `-cVALUE`). */
  readonly inline: boolean;
}

/**
 * The arguments still to read: the pieces of an expanded short-option group
 * first (a stack, the next piece on top), then the arguments from `next` on.
 * Never Array.shift/unshift or a spread: a command line may hold 200,000
 * arguments, or one group of 131,071 letters (MAX_ARG_STRLEN), and a spread
 * of that many elements throws RangeError, a shift of that large an array
 * copies it (test/cli/argv-long-command-lines.test.ts).
 */
class Remaining {
  private readonly pieces: string[] = [];
  private next = 0;
  constructor(private readonly args: readonly string[]) {}

  get length(): number {
    return this.pieces.length + this.args.length - this.next;
  }

  /** The next argument; call only when length > 0. */
  shift(): string {
    return this.pieces.length > 0 ? this.pieces.pop()! : this.args[this.next++]!;
  }

  /** Puts `expanded` back in front, to be read in its order. */
  unshift(expanded: readonly string[]): void {
    for (let i = expanded.length - 1; i >= 0; i--) this.pieces.push(expanded[i]!);
  }
}

/** The arguments as option and positional tokens (parseArgs' first phase). */
function tokens(args: readonly string[], options: Readonly<Record<string, OptionSpec>>): (OptionToken | string)[] {
  const out: (OptionToken | string)[] = [];
  const rest = new Remaining(args);
  while (rest.length > 0) {
    const arg = rest.shift();
    if (arg === '--') {
      while (rest.length > 0) out.push(rest.shift());
      break;
    }
    const short = arg.length >= 2 && arg[0] === '-' && arg[1] !== '-';
    if (short && arg.length === 2) {
      const name = longOf(options, arg[1]!);
      const value = typeOf(options, name) === 'string' && rest.length > 0 ? rest.shift() : undefined;
      out.push({ name, raw: arg, value, inline: false });
    } else if (short) {
      const first = longOf(options, arg[1]!);
      if (typeOf(options, first) === 'string') {
        out.push({ name: first, raw: `-${arg[1]!}`, value: arg.slice(2), inline: true });
        continue;
      }
      // A group: -abc is -a -b -c; a string option inside it takes the rest of the group as its value.
      // A "-" inside it becomes "--", which ends the options, as in parseArgs.
      const expanded: string[] = [];
      for (let i = 1; i < arg.length; i++) {
        const c = arg[i]!;
        if (typeOf(options, longOf(options, c)) !== 'string' || i === arg.length - 1) {
          expanded.push(`-${c}`);
        } else {
          expanded.push(`-${arg.slice(i)}`);
          break;
        }
      }
      rest.unshift(expanded);
    } else if (arg.startsWith('--') && arg.length > 2) {
      // As in parseArgs: an argument with an '=' after its third character has an inline value, split at its
      // first '=' (`--=a=b` is the option named "" with the value "a=b"); without one, an '=' right after the
      // dashes is part of the name (`--=v` is the option named "=v").
      if (arg.indexOf('=', 3) < 0) {
        const name = arg.slice(2);
        const value = typeOf(options, name) === 'string' && rest.length > 0 ? rest.shift() : undefined;
        out.push({ name, raw: arg, value, inline: false });
      } else {
        const eq = arg.indexOf('=');
        const name = arg.slice(2, eq);
        out.push({ name, raw: `--${name}`, value: arg.slice(eq + 1), inline: true });
      }
    } else {
      out.push(arg);
    }
  }
  return out;
}

/** The strict checks of one option token; the messages are parseArgs' first lines. */
function check(t: OptionToken, options: Readonly<Record<string, OptionSpec>>): void {
  if (!has(options, t.name)) throw new UsageError(`Unknown option '${t.raw}'`);
  const spec = options[t.name]!;
  const both = `${spec.short ? `-${spec.short}, ` : ''}--${t.name}`;
  if (spec.type === 'string' && t.value === undefined) throw new UsageError(`Option '${both} <value>' argument missing`);
  if (spec.type === 'boolean' && t.value !== undefined) throw new UsageError(`Option '${both}' does not take an argument`);
  if (!t.inline && t.value !== undefined && t.value.length > 1 && t.value[0] === '-') {
    throw new UsageError(`Option '${t.raw}' argument is ambiguous.`);
  }
}

/** Parses `args` against `options` (strict). Throws UsageError with a one-line message. */
export function parseArgv(args: readonly string[], options: Readonly<Record<string, OptionSpec>>, allowPositionals: boolean): ParsedArgv {
  const values: ParsedArgv['values'] = Object.create(null) as ParsedArgv['values'];
  const positionals: string[] = [];
  for (const t of tokens(args, options)) {
    if (typeof t === 'string') {
      if (!allowPositionals) throw new UsageError(`Unexpected argument '${t}'. This command does not take positional arguments`);
      positionals.push(t);
      continue;
    }
    check(t, options);
    if (t.name === '__proto__') continue;
    const value = t.value ?? true;
    if (options[t.name]!.multiple) {
      const list = values[t.name];
      if (Array.isArray(list)) list.push(value);
      else values[t.name] = [value];
    } else {
      values[t.name] = value;
    }
  }
  return { values, positionals };
}
