#!/usr/bin/env node
/**
 * The `dnssec-stub` command. `main(argv, io)` runs one command and resolves
 * to its exit status; it never throws and never prints a stack trace. The
 * bin (this file run directly) only wires it to the process.
 *
 *   0 secure, 1 insecure, 2 bogus, 3 no answer, 64 usage error, 70 internal error
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { Command } from './args.js';
import { packageVersion } from './package-info.js';
import { type CliIo, EXIT, errorLine } from './io.js';

export { type CliIo, EXIT, errorLine, useColor } from './io.js';

/**
 * Each command's module is imported when that command runs, so that `--version` does not load the validator and
 * `validate --fixture` does not load the transports (start-up: `npm run bench:cli`). New commands: the same.
 */
async function run(command: Command, io: CliIo, usage: string): Promise<number> {
  switch (command.command) {
    case 'help':
      io.stdout.write(usage);
      return 0;
    case 'version':
      io.stdout.write(`dnssec-stub ${packageVersion()}\n`);
      return 0;
    case 'validate':
      return (await import('./validate.js')).runValidate(command, io);
    case 'demo':
      return (await import('./demo.js')).runDemo(command, io);
  }
}

/** Runs the command line `argv` (without node and the script). Resolves to the exit status. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let args: typeof import('./args.js') | undefined;
  try {
    // `--version` alone needs no parser; the parser (and what it checks names with) is loaded for everything else.
    if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) return await run({ command: 'version' }, io, '');
    args = await import('./args.js');
    return await run(args.parseCommandLine(argv), io, args.USAGE);
  } catch (e) {
    if (args !== undefined && e instanceof args.UsageError) {
      io.stderr.write(`dnssec-stub: ${errorLine(e)}\n`);
      return EXIT.USAGE;
    }
    io.stderr.write(`dnssec-stub: internal error: ${errorLine(e)}\n`);
    return EXIT.INTERNAL;
  }
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return pathToFileURL(realpathSync(script)).href === import.meta.url;
  } catch {
    return false;
  }
}

/** Grace period for the process to end by itself once main has returned (a safety net, not a timer on work). */
const EXIT_GRACE_MS = 2_000;

if (isEntryPoint()) {
  const fatal = (e: unknown): void => {
    process.stderr.write(`dnssec-stub: internal error: ${errorLine(e)}\n`);
    process.exit(EXIT.INTERNAL);
  };
  process.on('unhandledRejection', fatal);
  process.on('uncaughtException', fatal);
  // `dnssec-stub ... | head`: a closed pipe is not an error worth a trace.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    fatal(e);
  });
  const io: CliIo = { stdout: process.stdout, stderr: process.stderr, isTTY: process.stdout.isTTY === true, env: process.env };
  void main(process.argv.slice(2), io).then((code) => {
    process.exitCode = code;
    // Everything is closed by now; if some handle still holds the loop, do not hang.
    setTimeout(() => process.exit(code), EXIT_GRACE_MS).unref();
  }, fatal);
}
