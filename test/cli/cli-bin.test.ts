/**
 * The compiled `dnssec-stub` bin as a user runs it: the package is built
 * with tsc (tsconfig.build.json) and scripts/build-cli.mjs into a temporary
 * package directory, and each way of running it is executed directly (its
 * #!/usr/bin/env node line): the package's bin, dist/cli/dnssec-stub.cjs
 * (the CommonJS bundle through V8's code cache), and dist/src/cli/main.js
 * (tsc's ES modules).
 * Checks the exit statuses, that errors are one line without a stack trace,
 * that the package root (shipped anchors, default demo directory) is found
 * from dist/, and that the process ends by itself.
 */
import { execFile, spawn } from 'node:child_process';
import { chmodSync, chownSync, closeSync, copyFileSync, openSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type UnboundFixture, startUnbound } from '../resolver/unbound-fixture.js';
import { WRAPPER_HEAD } from '../../src/cli/code-cache.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const RUN_TIMEOUT_MS = 20_000;
/** tsc alone; on a busy 2-core machine (other test files build too: test/package) it can take well over 20 s. */

let pkg: string;
let ub: UnboundFixture;

/** The two executables, relative to the package: the bin of package.json first. */
const BINS = [
  ['dist/cli/dnssec-stub.cjs', 'the package bin (CommonJS bundle, code cache)'],
  ['dist/src/cli/main.js', "tsc's ES modules"],
] as const;

/** tsc on the shared 2-core machine can take most of a minute. */
const BUILD_TIMEOUT_MS = 110_000;

function run(cmd: string, args: string[], cwd?: string, timeout = RUN_TIMEOUT_MS): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, timeout, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  pkg = mkdtempSync(join(tmpdir(), 'dnssec-stub-bin-'));
  copyFileSync(join(ROOT, 'package.json'), join(pkg, 'package.json'));
  cpSync(join(ROOT, 'trust-anchors'), join(pkg, 'trust-anchors'), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(pkg, 'node_modules'), 'dir');
  // tsc reports type errors of files in progress elsewhere but still emits; what matters is the bin.
  const built = await run(process.execPath, [TSC, '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', join(pkg, 'dist')], undefined, BUILD_TIMEOUT_MS);
  const esm = join(pkg, 'dist', 'src', 'cli', 'main.js');
  if (!existsSync(esm)) throw new Error(`tsc did not produce ${esm}: ${built.stdout}${built.stderr}`);
  chmodSync(esm, 0o755);
  const bundled = await run(process.execPath, [join(ROOT, 'scripts', 'build-cli.mjs'), join(pkg, 'dist')], undefined, BUILD_TIMEOUT_MS);
  if (bundled.code !== 0) throw new Error(`scripts/build-cli.mjs failed: ${bundled.stderr}`);
  ub = await startUnbound({ localData: ['www.test. 300 IN A 192.0.2.1'] });
  mkdirSync(join(pkg, 'work'));
}, 120_000);

afterAll(async () => {
  await ub?.stop();
  if (pkg) rmSync(pkg, { recursive: true, force: true });
});

describe.each(BINS)('the compiled bin %s (%s)', (file) => {
  const bin = (): string => join(pkg, file);

  it('starts with #!/usr/bin/env node and prints the version', async () => {
    expect(readFileSync(bin(), 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
    const r = await run(bin(), ['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^dnssec-stub \d+\.\d+\.\d+/);
  });

  it('a usage error: exit 64, one line on stderr, no stack trace', async () => {
    const r = await run(bin(), ['validate', 'x.test', 'NOTATYPE']);
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(/^dnssec-stub: unknown RR type "NOTATYPE"[^\n]*\n$/);
    expect(r.stdout).toBe('');
  });

  it('validates against a real resolver with the shipped anchor (found from dist/) and exits by itself', async () => {
    const r = await run(bin(), ['validate', 'www.test', '--server', `${ub.server.host}:${ub.server.port}`, '--tcp', '--json'], join(pkg, 'work'));
    expect(r.stderr).toBe('');
    // Unsigned local data under the real root anchor: bogus.
    expect(r.code).toBe(2);
    const out = JSON.parse(r.stdout) as { status: string; chain: { kind: string; note?: string }[] };
    expect(out.status).toBe('bogus');
    expect(out.chain.find((s) => s.kind === 'anchor')?.note).toContain(join(pkg, 'trust-anchors', 'root-anchors.xml'));
  });

  it('demo without DIR looks in fixtures/lab of the package', async () => {
    const r = await run(bin(), ['demo'], join(pkg, 'work'));
    expect(r.code).toBe(64);
    expect(r.stderr).toContain(join(pkg, 'fixtures', 'lab'));
  });
});

describe.each(BINS)('the compiled bin %s (%s): output that cannot be written is an I/O error (exit 74), never 70', (file) => {
  const bin = (): string => join(pkg, file);
  const fixture = (): string => join(ROOT, 'fixtures', 'lab', 'mail-tlsa.json');

  /** Runs the bin with stdout sent to `stdout`; resolves to its exit status and stderr. */
  function runWithStdout(args: string[], stdout: 'closed-pipe' | number): Promise<{ code: number | null; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(bin(), args, { stdio: ['ignore', stdout === 'closed-pipe' ? 'pipe' : stdout, 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
      // The reading end is closed before the bin has started: its first write gets EPIPE.
      if (stdout === 'closed-pipe') child.stdout!.destroy();
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stderr });
      });
    });
  }

  it('stdout on a full disk (/dev/full): exit 74, one line naming ENOSPC', async () => {
    const full = openSync('/dev/full', 'w');
    try {
      const r = await runWithStdout(['validate', '--fixture', fixture()], full);
      expect(r.code).toBe(74);
      expect(r.stderr).toBe('dnssec-stub: cannot write to standard output: ENOSPC\n');
    } finally {
      closeSync(full);
    }
  });

  it('stdout a closed pipe (EPIPE): exit 74, one line naming EPIPE', async () => {
    const r = await runWithStdout(['validate', '--fixture', fixture(), '--json'], 'closed-pipe');
    expect(r.code).toBe(74);
    expect(r.stderr).toBe('dnssec-stub: cannot write to standard output: EPIPE\n');
  });

  it('--help and --version to /dev/full: exit 74 as well', async () => {
    const full = openSync('/dev/full', 'w');
    try {
      expect((await runWithStdout(['--help'], full)).code).toBe(74);
      // The package bin answers --version itself (src/cli/bin.ts), without the CLI bundle: the same status and line.
      expect(await runWithStdout(['--version'], full)).toEqual({ code: 74, stderr: 'dnssec-stub: cannot write to standard output: ENOSPC\n' });
    } finally {
      closeSync(full);
    }
  });
});

describe('the package bin (dist/cli/dnssec-stub.cjs)', () => {
  const bin = (): string => join(pkg, 'dist', 'cli', 'dnssec-stub.cjs');
  const caches = (): string[] => readdirSync(join(pkg, 'dist', 'cli')).filter((f) => f.endsWith('.cache'));

  it('is the "bin" of package.json', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(manifest.bin).toEqual({ 'dnssec-stub': './dist/cli/dnssec-stub.cjs' });
  });

  it('its CLI bundle is ASCII (scripts/build-cli.mjs: charset ascii, comments dropped), so code-cache.ts decodes it as latin1', () => {
    const bundle = readFileSync(join(pkg, 'dist', 'cli', 'main.cjs'));
    expect(bundle.length).toBeGreaterThan(100_000);
    expect(bundle.findIndex((b) => b >= 0x80)).toBe(-1);
  });

  it('its CLI bundle is written as the CommonJS wrapper code-cache.ts compiles as it is (no #! line, no second copy at start)', () => {
    const bundle = readFileSync(join(pkg, 'dist', 'cli', 'main.cjs'), 'latin1');
    expect(bundle.startsWith(WRAPPER_HEAD)).toBe(true);
    expect(bundle.endsWith('\n})')).toBe(true);
    expect(bundle).not.toContain('#!/usr/bin/env node');
  });

  it('--version and -V print what main.ts prints', async () => {
    const esm = await run(join(pkg, 'dist', 'src', 'cli', 'main.js'), ['--version']);
    for (const flag of ['--version', '-V']) {
      const r = await run(bin(), [flag]);
      expect(r).toEqual({ code: 0, stdout: esm.stdout, stderr: '' });
    }
  });

  it('runs the CLI from its code cache: the build filled it, and a run that uses it does not write it again', async () => {
    const before = caches();
    expect(before).toHaveLength(1);
    const file = join(pkg, 'dist', 'cli', before[0]!);
    const mtime = statSync(file).mtimeMs;
    const r = await run(bin(), ['validate', '--fixture', join(ROOT, 'fixtures', 'lab', 'mail-tlsa.json')]);
    expect(r.code).toBe(0);
    expect(caches()).toEqual(before);
    expect(statSync(file).mtimeMs).toBe(mtime);
  });

  it('without its cache (deleted), the bin still gives the same answer and writes the cache again; DNSSEC_STUB_CODE_CACHE=0 neither reads nor writes it', async () => {
    const args = ['validate', '--fixture', join(ROOT, 'fixtures', 'lab', 'mail-tlsa.json'), '--json'];
    const cached = await run(bin(), args);
    for (const f of caches()) rmSync(join(pkg, 'dist', 'cli', f));
    const off = await new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(bin(), args, { encoding: 'utf8', env: { ...process.env, DNSSEC_STUB_CODE_CACHE: '0' } }, (err, stdout) => resolve({ code: err ? Number(err.code) : 0, stdout }));
    });
    expect(off).toEqual({ code: 0, stdout: cached.stdout });
    expect(caches()).toEqual([]);
    const fresh = await run(bin(), args);
    expect(fresh).toEqual(cached);
    expect(caches()).toHaveLength(1);
  });

  it('a missing CLI bundle (a broken installation) is an internal error on one line, exit 70', async () => {
    const broken = join(pkg, 'broken');
    mkdirSync(broken);
    copyFileSync(bin(), join(broken, 'dnssec-stub.cjs'));
    chmodSync(join(broken, 'dnssec-stub.cjs'), 0o755);
    const r = await run(join(broken, 'dnssec-stub.cjs'), ['validate', 'x.test']);
    expect(r.code).toBe(70);
    expect(r.stderr).toMatch(/^dnssec-stub: internal error: [^\n]*main\.cjs[^\n]*\n$/);
  });
});

describe('the package bin in a package folder the user cannot write (a global install run by another user: uid 65534)', () => {
  const NOBODY = 65534;
  /** A copy of the installed bin and CLI bundle, owned by root (mode 0755), without a code cache. */
  let ro: string;
  let fixture: string;
  let expected: string;

  beforeAll(async () => {
    chmodSync(pkg, 0o755);
    ro = join(pkg, 'ro');
    mkdirSync(join(ro, 'dist', 'cli'), { recursive: true, mode: 0o755 });
    copyFileSync(join(ROOT, 'package.json'), join(ro, 'package.json'));
    cpSync(join(pkg, 'trust-anchors'), join(ro, 'trust-anchors'), { recursive: true });
    for (const f of ['dnssec-stub.cjs', 'main.cjs']) copyFileSync(join(pkg, 'dist', 'cli', f), join(ro, 'dist', 'cli', f));
    chmodSync(join(ro, 'dist', 'cli', 'dnssec-stub.cjs'), 0o755);
    fixture = join(ro, 'mail-tlsa.json');
    copyFileSync(join(ROOT, 'fixtures', 'lab', 'mail-tlsa.json'), fixture);
    chmodSync(fixture, 0o644);
    expected = (await run(join(ro, 'dist', 'cli', 'dnssec-stub.cjs'), ['validate', '--fixture', fixture, '--json'])).stdout;
    // root could write the folder: the run above must not have left a cache there.
    for (const f of readdirSync(join(ro, 'dist', 'cli')).filter((f) => f.endsWith('.cache'))) rmSync(join(ro, 'dist', 'cli', f));
  });

  /** A home directory of uid 65534. */
  function home(): string {
    const h = join(pkg, `home-${Math.random().toString(36).slice(2)}`);
    mkdirSync(h, { mode: 0o755 });
    chownSync(h, NOBODY, NOBODY);
    return h;
  }

  function runAsNobody(env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !['HOME', 'XDG_CACHE_HOME', 'DNSSEC_STUB_CODE_CACHE'].includes(k)));
    return new Promise((resolve) => {
      execFile(join(ro, 'dist', 'cli', 'dnssec-stub.cjs'), ['validate', '--fixture', fixture, '--json'], { uid: NOBODY, gid: NOBODY, cwd: ro, timeout: RUN_TIMEOUT_MS, encoding: 'utf8', env: { ...clean, NO_COLOR: '1', ...env } }, (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
      });
    });
  }

  const cachesIn = (d: string): string[] => (existsSync(d) ? readdirSync(d).filter((f) => f.endsWith('.cache')) : []);

  it('writes the cache in ~/.cache/dnssec-stub (created 0700, its own), and the next run accepts it without writing again', async () => {
    const h = home();
    const first = await runAsNobody({ HOME: h });
    expect(first).toEqual({ code: 0, stdout: expected, stderr: '' });
    const user = join(h, '.cache', 'dnssec-stub');
    const st = lstatSync(user);
    expect([st.isDirectory(), st.mode & 0o777, st.uid]).toEqual([true, 0o700, NOBODY]);
    const files = cachesIn(user);
    expect(files).toHaveLength(1);
    const file = join(user, files[0]!);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(cachesIn(join(ro, 'dist', 'cli'))).toEqual([]);
    const mtime = statSync(file).mtimeMs;
    const second = await runAsNobody({ HOME: h });
    expect(second).toEqual(first);
    expect(cachesIn(user)).toEqual(files);
    expect(statSync(file).mtimeMs).toBe(mtime);
  });

  it('$XDG_CACHE_HOME/dnssec-stub when set', async () => {
    const h = home();
    const xdg = join(h, 'xdg');
    mkdirSync(xdg, { mode: 0o700 });
    chownSync(xdg, NOBODY, NOBODY);
    expect(await runAsNobody({ HOME: h, XDG_CACHE_HOME: xdg })).toEqual({ code: 0, stdout: expected, stderr: '' });
    expect(cachesIn(join(xdg, 'dnssec-stub'))).toHaveLength(1);
    expect(existsSync(join(h, '.cache'))).toBe(false);
  });

  it('a folder that is group-writable, owned by another user, or a symlink is not used: same answer, no message, nothing written', async () => {
    const h = home();
    const user = join(h, '.cache', 'dnssec-stub');
    mkdirSync(user, { recursive: true });
    chownSync(join(h, '.cache'), NOBODY, NOBODY);
    const target = join(h, 'target');
    mkdirSync(target, { mode: 0o700 });
    chownSync(target, NOBODY, NOBODY);
    const cases: [string, () => void][] = [
      ['group-writable', () => { chownSync(user, NOBODY, NOBODY); chmodSync(user, 0o770); }],
      ['world-writable', () => { chownSync(user, NOBODY, NOBODY); chmodSync(user, 0o707); }],
      ['owned by root', () => { chownSync(user, 0, 0); chmodSync(user, 0o777); }],
      ['a symlink to a private folder', () => { rmSync(user, { recursive: true }); symlinkSync(target, user, 'dir'); }],
    ];
    for (const [what, make] of cases) {
      make();
      expect(await runAsNobody({ HOME: h }), what).toEqual({ code: 0, stdout: expected, stderr: '' });
      expect(cachesIn(user), what).toEqual([]);
      expect(cachesIn(target), what).toEqual([]);
    }
  });

  it('DNSSEC_STUB_CODE_CACHE=0: nothing read or written, not even the folder created', async () => {
    const h = home();
    expect(await runAsNobody({ HOME: h, DNSSEC_STUB_CODE_CACHE: '0' })).toEqual({ code: 0, stdout: expected, stderr: '' });
    expect(readdirSync(h)).toEqual([]);
  });

  it("tsc's dist/src/cli/bin.js and code-cache.js are removed by the build (only the bundle needs them)", () => {
    for (const f of ['bin.js', 'bin.d.ts', 'bin.d.cts', 'code-cache.js', 'code-cache.d.ts']) expect(existsSync(join(pkg, 'dist', 'src', 'cli', f)), f).toBe(false);
    expect(existsSync(join(pkg, 'dist', 'src', 'cli', 'main.js'))).toBe(true);
  });
});
