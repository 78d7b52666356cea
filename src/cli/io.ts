/** What every command shares: where output goes, exit statuses, one-line errors, colour. */

/** Where the CLI writes, and what it knows about the terminal. */
export interface CliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  /** Whether stdout is a terminal (colour only then). */
  readonly isTTY?: boolean;
  /** Environment (NO_COLOR). Default: none. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Exit statuses (README "Exit status", --help). 64, 70 and 74 are
 * sysexits.h's EX_USAGE, EX_SOFTWARE and EX_IOERR.
 */
export const EXIT = {
  SECURE: 0,
  INSECURE: 1,
  BOGUS: 2,
  NO_ANSWER: 3,
  USAGE: 64,
  INTERNAL: 70,
  IO: 74,
} as const;

/** The command line is wrong (option, name, type, time, server, anchor or fixture file): exit 64. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Extra arguments listed in a usage error: the first few, then how many more (150,000 names are not one line). */
export const LISTED_EXTRA_ARGUMENTS = 3;

/** "too many arguments: a b c and 149997 more (expected ...)": the usage error for arguments beyond `expected`. */
export function tooManyArguments(extra: readonly string[], expected: string): UsageError {
  const shown = extra.slice(0, LISTED_EXTRA_ARGUMENTS).join(' ');
  const more = extra.length > LISTED_EXTRA_ARGUMENTS ? ` and ${extra.length - LISTED_EXTRA_ARGUMENTS} more` : '';
  return new UsageError(`too many arguments: ${shown}${more} (expected ${expected})`);
}

/** Output could not be written (stdout, the --capture file): exit 74. */
export class IoError extends Error {
  override name = 'IoError';
}

/** C0 controls but tab and newline, DEL and C1 controls (ECMA-48): what can move the cursor or start an escape sequence. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * One line, no stack: the message of an error. Line breaks become spaces; any other control character is shown as
 * \xHH, so that a message quoting an argument or upstream text cannot overwrite the line (CR), ring, or start a
 * terminal escape sequence (ESC, CSI) on the user's terminal.
 */
export function errorLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  const line = text.replace(/\s*\n\s*/g, ' ').trim() || 'unknown error';
  return line.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Colour only on a terminal, unless --no-color or NO_COLOR is set and not empty (https://no-color.org). */
export function useColor(io: CliIo, noColor: boolean): boolean {
  const env = io.env ?? {};
  // --no-color and NO_COLOR first: either settles it without asking whether stdout is a terminal (an fstat).
  return !noColor && (env['NO_COLOR'] === undefined || env['NO_COLOR'] === '') && Boolean(io.isTTY);
}
