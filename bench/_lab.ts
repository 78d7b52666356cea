/**
 * What the lab benchmarks share: the package root, the lab's command line
 * (test/lab/labctl.mjs, with its shared-user protocol: a lab this run started
 * is stopped at the end, a running one is joined and left up), and the
 * wrapper that turns a benchmark's end into an exit status and one line.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A benchmark that cannot run (a missing tool, a lab that will not start): one line, exit 1. */
export class BenchAbort extends Error {
  override name = 'BenchAbort';
}

/** PATH with the sbin directories, where Debian puts unbound, nsd and pdns_recursor. */
export const TOOL_ENV = { ...process.env, PATH: `${process.env['PATH'] ?? ''}:/usr/sbin:/sbin` };

const LABCTL_TIMEOUT_MS = 150_000;

/** The package root: the nearest directory above `from` with the project's package.json (bench/ or dist/bench/). */
export function packageRoot(from: string): string {
  let dir = dirname(fileURLToPath(from));
  for (let i = 0; i < 4; i++) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'dnssec-stub') return dir;
    dir = dirname(dir);
  }
  throw new BenchAbort(`cannot find the dnssec-stub package root above ${fileURLToPath(from)}`);
}

/** Runs test/lab/labctl.mjs with `args`; a failure aborts the benchmark. */
export function labctl(root: string, args: readonly string[]): { stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(root, 'test', 'lab', 'labctl.mjs'), ...args], { encoding: 'utf8', timeout: LABCTL_TIMEOUT_MS, env: TOOL_ENV });
  if (r.status !== 0) throw new BenchAbort(`lab ${args[0]} failed (exit ${r.status ?? r.signal}): ${(r.stderr || String(r.error ?? '')).trim()}`);
  return { stdout: r.stdout, stderr: r.stderr };
}

/**
 * Starts or joins the lab as `user`, runs `fn` with the lab's description
 * (test/lab/run/lab.json), and stops the lab only when this run started it.
 */
export async function withLab<Lab, T>(root: string, user: string, fn: (lab: Lab, reused: boolean) => Promise<T>): Promise<T> {
  const started = labctl(root, ['start', '--user', user]);
  const reused = /lab reused/.test(started.stderr);
  try {
    return await fn(JSON.parse(started.stdout) as Lab, reused);
  } finally {
    // labctl still leaves the lab up while another live user holds it.
    if (!reused) labctl(root, ['stop', '--user', user]);
  }
}

/** Runs a benchmark's main: its resolved number is the exit status; a failure is one line and exit 1. */
export function runBench(name: string, main: () => Promise<number>): void {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      console.error(`${name}: ${e instanceof BenchAbort ? 'ABORTED: ' : 'internal error: '}${e instanceof Error ? e.message : String(e)}`);
      process.exitCode = 1;
    },
  );
}
