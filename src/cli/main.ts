#!/usr/bin/env node
/**
 * The `dnssec-stub` command. `main(argv, io)` runs one command and resolves
 * to its exit status; it never throws and never prints a stack trace. The
 * bin (this file run directly) only wires it to the process.
 *
 *   0 secure, 1 insecure, 2 bogus, 3 no answer, 64 usage error, 70 internal error,
 *   74 I/O error (stdout or the capture file cannot be written)
 *   (doctor: 0 some resolver is usable for validation, 1 none is)
 *   (serve: 0 after a drain, 69 cannot listen; see serve.ts)
 */
import { realpathSync } from 'node:fs';
import type { Command } from './args.js';
import { packageVersion } from './package-info.js';
import { type CliIo, EXIT, IoError, UsageError, errorLine } from './io.js';
import { processIo } from './stdio.js';
import { UpstreamError } from '../types.js';

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
  try {
    // `--version` alone needs no parser; the parser (and what it checks names with) is loaded for everything else.
    if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) return await run({ command: 'version' }, io, '');
    // `mail`, `doctor` and `serve` parse their own options (src/cli/mail-args.ts, doctor.ts, serve.ts).
    if (argv[0] === 'mail') return await (await import('./mail.js')).runMailCommand(argv.slice(1), io);
    if (argv[0] === 'doctor') return await (await import('./doctor.js')).runDoctorCommand(argv.slice(1), io);
    if (argv[0] === 'serve') {
      const serve = await import('./serve.js');
      const cmd = serve.parseServe(argv.slice(1));
      if (cmd.command === 'help') {
        io.stdout.write(serve.SERVE_USAGE);
        return 0;
      }
      return await serve.runServe(cmd, io);
    }
    const args = await import('./args.js');
    return await run(args.parseCommandLine(argv), io, args.USAGE);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`dnssec-stub: ${errorLine(e)}\n`);
      return EXIT.USAGE;
    }
    if (e instanceof IoError) {
      io.stderr.write(`dnssec-stub: ${errorLine(e)}\n`);
      return EXIT.IO;
    }
    if (e instanceof UpstreamError) {
      // No resolver to ask at all (e.g. an unreadable resolv.conf) before any question.
      io.stderr.write(`dnssec-stub: no answer: ${errorLine(e)}\n`);
      return EXIT.NO_ANSWER;
    }
    io.stderr.write(`dnssec-stub: internal error: ${errorLine(e)}\n`);
    return EXIT.INTERNAL;
  }
}

function isEntryPoint(): boolean {
  // The CLI bundle (dist/cli/main.cjs) is run by the bin, never as the script itself: no realpath walk to find that out.
  if (import.meta.filename.endsWith('.cjs')) return false;
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === import.meta.filename;
  } catch {
    return false;
  }
}

/** Grace period for the process to end by itself once main has returned (a safety net, not a timer on work). */
const EXIT_GRACE_MS = 2_000;

/**
 * Runs the command line of this process (process.argv) and sets its exit status: what the bin does. Used by this
 * module run directly (dist/src/cli/main.js) and by the bundled bin (dist/cli/main.cjs, scripts/build-cli.mjs).
 */
export function runProcess(): void {
  const fatal = (e: unknown): void => {
    process.stderr.write(`dnssec-stub: internal error: ${errorLine(e)}\n`);
    process.exit(EXIT.INTERNAL);
  };
  process.on('unhandledRejection', fatal);
  process.on('uncaughtException', fatal);
  const io = processIo();
  void main(process.argv.slice(2), io).then((code) => {
    process.exitCode = code;
    // Everything is closed by now; if some handle still holds the loop, do not hang.
    setTimeout(() => process.exit(code), EXIT_GRACE_MS).unref();
  }, fatal);
}

if (isEntryPoint()) runProcess();
