/**
 * Start-up benchmark of the `dnssec-stub` command: `npm run bench:cli [-- --rounds N]`.
 *
 * Each round runs, in a rotating order, one process of each:
 *   node       = `node -e 0` (bare Node: the floor every Node command pays)
 *   empty ESM  = `node empty.mjs`, an empty ES module file: the floor of any command written as an ES module (Node
 *                then reads the file, its package scope and starts the ESM loader), for information
 *   version    = `dnssec-stub --version`
 *   validate   = `dnssec-stub validate --fixture fixtures/lab/mail-tlsa.json` (a full DANE TLSA validation, replayed:
 *                no network, so only start-up, module loading and the validation itself are measured)
 * where `dnssec-stub` is the package's bin, dist/cli/dnssec-stub.cjs (scripts/build-cli.mjs: a CommonJS bundle run
 * through V8's code cache, src/cli/code-cache.ts). For information, what each part of that buys:
 *   validate, no code cache  = the same bin with DNSSEC_STUB_CODE_CACHE=0 (the bundle compiled at every start)
 *   validate, ES modules     = dist/src/cli/main.js, the unbundled ES modules tsc writes (what the bin was before)
 * and, where the running Node has V8's compile cache (`module.enableCompileCache`, Node >= 22.1), the ES modules
 * again with NODE_COMPILE_CACHE set to a fresh directory (filled by a first, unmeasured run).
 * stdout goes to /dev/null (as `dnssec-stub validate ... >/dev/null; echo $?` in a script).
 * Wall-clock time per process (spawn to exit). Printed: the median of each, and the median over rounds of
 * command / node in the same round (goal: validate <= 1.3, version <= 1.1). Runs are interleaved, so a busy
 * machine slows every column alike; the ratios are what to compare between machines.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root: bench/cli.ts runs from dist/bench/cli.js or (vite-node) from bench/cli.ts. */
function packageRoot(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  return here.includes(`${join('dist', 'bench')}`) ? join(here, '..', '..') : join(here, '..');
}

const ROOT = packageRoot();
const BIN = join(ROOT, 'dist', 'cli', 'dnssec-stub.cjs');
const ESM_MAIN = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const FIXTURE = 'fixtures/lab/mail-tlsa.json';
const DEFAULT_ROUNDS = 40;
const MAX_ROUNDS = 1000;
const RUN_TIMEOUT_MS = 30_000;

interface Variant {
  readonly name: string;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** Exit status the command must give (mail-tlsa.json is secure: 0). */
  readonly status: number;
}

function roundsFromArgv(argv: readonly string[]): number {
  const i = argv.indexOf('--rounds');
  if (i < 0) return DEFAULT_ROUNDS;
  const n = Number(argv[i + 1]);
  if (!Number.isInteger(n) || n < 1 || n > MAX_ROUNDS) {
    process.stderr.write(`bench:cli: --rounds wants an integer 1..${MAX_ROUNDS}\n`);
    process.exit(64);
  }
  return n;
}

/** One process, timed from spawn to exit, in milliseconds. Throws when the command fails. */
function timeOne(v: Variant): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, v.args, {
    cwd: ROOT,
    env: { ...process.env, ...v.env, NO_COLOR: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: RUN_TIMEOUT_MS,
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== v.status) throw new Error(`${v.name}: exit ${r.status ?? r.signal}, expected ${v.status}: ${r.stderr.toString().trim()}`);
  return ms;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function hasCompileCache(): boolean {
  const mod = createRequire(import.meta.url)('node:module') as { enableCompileCache?: unknown };
  return typeof mod.enableCompileCache === 'function';
}

function main(): void {
  const rounds = roundsFromArgv(process.argv.slice(2));
  const scratch = mkdtempSync(join(tmpdir(), 'dnssec-stub-bench-cli-'));
  const empty = join(scratch, 'empty.mjs');
  writeFileSync(empty, '');
  const variants: Variant[] = [
    { name: 'node -e 0', args: ['-e', '0'], status: 0 },
    { name: 'node empty.mjs', args: [empty], status: 0 },
    { name: 'version', args: [BIN, '--version'], status: 0 },
    { name: 'validate --fixture', args: [BIN, 'validate', '--fixture', FIXTURE], status: 0 },
    { name: 'validate, no code cache', args: [BIN, 'validate', '--fixture', FIXTURE], env: { DNSSEC_STUB_CODE_CACHE: '0' }, status: 0 },
    { name: 'validate, ES modules', args: [ESM_MAIN, 'validate', '--fixture', FIXTURE], status: 0 },
  ];
  let cacheDir: string | undefined;
  if (hasCompileCache()) {
    cacheDir = join(scratch, 'compile-cache');
    const env = { NODE_COMPILE_CACHE: cacheDir };
    variants.push({ name: 'validate, ES modules +NODE_COMPILE_CACHE', args: [ESM_MAIN, 'validate', '--fixture', FIXTURE], env, status: 0 });
  }
  try {
    for (const v of variants) timeOne(v); // warm the file cache (and fill the compile cache); not measured
    const times = variants.map(() => [] as number[]);
    const ratios = variants.map(() => [] as number[]);
    for (let r = 0; r < rounds; r++) {
      const got: number[] = new Array<number>(variants.length);
      for (let k = 0; k < variants.length; k++) {
        const i = (r + k) % variants.length; // rotate the order so no variant always runs first
        got[i] = timeOne(variants[i]!);
      }
      for (let i = 0; i < variants.length; i++) {
        times[i]!.push(got[i]!);
        ratios[i]!.push(got[i]! / got[0]!);
      }
    }
    const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
    process.stdout.write(
      `# dnssec-stub start-up: ${rounds} interleaved rounds, Node ${process.version}, ${cpus().length} × ${cpu}, ${new Date().toISOString().slice(0, 10)}\n` +
        `# ms = median wall time per process (spawn to exit); ratio = median over rounds of (command / node -e 0 in the same round)\n` +
        (cacheDir === undefined ? `# V8 compile cache: not in this Node (module.enableCompileCache needs Node >= 22.1)\n` : ''),
    );
    const width = Math.max(...variants.map((v) => v.name.length));
    for (let i = 0; i < variants.length; i++) {
      const v = variants[i]!;
      const goal = v.name === 'version' ? '  (goal <= 1.100)' : v.name === 'validate --fixture' ? '  (goal <= 1.300)' : '';
      // Three decimals: a ratio at a goal's edge (1.304 or 1.296) is not printed as the goal itself.
      process.stdout.write(`${v.name.padEnd(width)}  ${median(times[i]!).toFixed(1).padStart(7)} ms  ${median(ratios[i]!).toFixed(3)}x${goal}\n`);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main();
