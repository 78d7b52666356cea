/**
 * The `dnssec-stub` bin as shipped: scripts/build-cli.mjs bundles this module into dist/cli/dnssec-stub.cjs (the
 * package's "bin") and the whole CLI, src/cli/main.ts, into dist/cli/main.cjs. Both are CommonJS: Node 20's
 * CommonJS loader starts faster than its ES module loader (`npm run bench:cli`).
 *
 * `--version` is answered here, without the CLI (as main.ts answers it). Everything else runs the CLI bundle through
 * V8's code cache (code-cache.ts); when this Node had no usable cache, it is written as the process exits.
 * Exit statuses and messages are main.ts's.
 */
import { join } from 'node:path';
import { loadBundle } from './code-cache.js';
import { EXIT, errorLine } from './io.js';
import { packageVersion } from './package-info.js';
import { processIo } from './stdio.js';

/** The CLI bundle beside this file (import.meta.dirname is the bundle's directory, scripts/build-cli.mjs). */
const CLI_BUNDLE = 'main.cjs';

function start(argv: readonly string[]): void {
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    processIo().stdout.write(`dnssec-stub ${packageVersion()}\n`);
    return;
  }
  const cli = loadBundle(join(import.meta.dirname, CLI_BUNDLE));
  if (cli.status === 'absent' || cli.status === 'rejected') process.once('exit', () => cli.writeCache());
  (cli.exports as { runProcess(): void }).runProcess();
}

try {
  start(process.argv.slice(2));
} catch (e) {
  // The bundle is missing or cannot be compiled: a broken installation.
  process.stderr.write(`dnssec-stub: internal error: ${errorLine(e)}\n`);
  process.exitCode = EXIT.INTERNAL;
}
