#!/usr/bin/env node
/**
 * The `dnssec-stub` command. `main(argv, io)` runs one command and resolves
 * to its exit status; it never throws and never prints a stack trace. The
 * bin (this file run directly) only wires it to the process.
 *
 *   0 secure, 1 insecure, 2 bogus, 3 no answer, 64 usage error, 70 internal error
 *   (serve: 0 after a drain, 69 cannot listen; see serve.ts)
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { type Command, UsageError, USAGE, parseCommandLine } from './args.js';
import { runDemo } from './demo.js';
import { runValidate } from './validate.js';
import { SERVE_USAGE, parseServe, runServe } from './serve.js';
import { packageVersion } from './package-info.js';
import { type CliIo, EXIT, errorLine } from './io.js';

export { type CliIo, EXIT, errorLine, useColor } from './io.js';

async function run(command: Command, io: CliIo): Promise<number> {
  switch (command.command) {
    case 'help':
      io.stdout.write(USAGE);
      return 0;
    case 'version':
      io.stdout.write(`dnssec-stub ${packageVersion()}\n`);
      return 0;
    case 'validate':
      return runValidate(command, io);
    case 'demo':
      return runDemo(command, io);
  }
}

/** Runs the command line `argv` (without node and the script). Resolves to the exit status. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    if (argv[0] === 'serve') {
      const serve = parseServe(argv.slice(1));
      if (serve.command === 'help') {
        io.stdout.write(SERVE_USAGE);
        return 0;
      }
      return await runServe(serve, io);
    }
    return await run(parseCommandLine(argv), io);
  } catch (e) {
    if (e instanceof UsageError) {
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
