/**
 * Runs the CLI in-process through its exported main(argv, io) and collects
 * what it printed.
 */
import { main } from '../../src/cli/main.js';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function runCli(argv: readonly string[], opts: { isTTY?: boolean; env?: Record<string, string | undefined> } = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    isTTY: opts.isTTY ?? false,
    env: opts.env ?? {},
  });
  return { code, stdout, stderr };
}

/** stderr is exactly one line "dnssec-stub: ..." (no stack trace). */
export function oneErrorLine(stderr: string): boolean {
  return /^dnssec-stub: [^\n]+\n$/.test(stderr) && !/\n\s+at /.test(stderr);
}
