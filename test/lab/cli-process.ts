/**
 * The command line as a process, for tests that need real signals (run with
 * vite-node): wires main() to the process as the bin does.
 */
import { main } from '../../src/cli/main.js';

const code = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, isTTY: false, env: process.env });
process.exitCode = code;
setTimeout(() => process.exit(code), 2000).unref();
