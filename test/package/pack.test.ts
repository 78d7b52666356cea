/**
 * The package as a user gets it: `npm pack` (its prepack builds dist/) in a copy of the repository, then
 * `npm install ./dnssec-stub-x.y.z.tgz` into an empty directory (the dependencies come from the npm cache that
 * `npm ci` filled, or from the registry), then the installed package is used the ways the README says:
 * `import`, `require`, TypeScript (ESM and CommonJS, moduleResolution node16 and nodenext), `npx dnssec-stub`.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
const RUN_TIMEOUT_MS = 240_000;
/** Per test: tsc with skipLibCheck off reads all of @types/node; slow on a busy 2-core machine. */
const TEST_TIMEOUT_MS = 300_000;
/** Not copied for `npm pack`: installed or built things, and the lab's run directory. */
const NOT_COPIED = new Set(['node_modules', 'dist', '.git', '.lab', join('test', 'lab', 'run')]);

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The environment without what an enclosing `npm test` exports (npm_config_*, npm_lifecycle_* ...). */
const ENV: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
ENV['NO_COLOR'] = '1';

function run(cmd: string, args: readonly string[], cwd: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, env: ENV, timeout: RUN_TIMEOUT_MS, encoding: 'utf8', maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)],
  );
}

let work: string;
let tarball: string;
let tarFiles: string[];
let consumer: string;
let installed: string;
let install: Run;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'dnssec-stub-pack-'));
  const repo = join(work, 'repo');
  cpSync(ROOT, repo, { recursive: true, filter: (src) => !NOT_COPIED.has(relative(ROOT, src)) });
  symlinkSync(realpathSync(join(ROOT, 'node_modules')), join(repo, 'node_modules'), 'dir');
  const pack = await run('npm', ['pack', '--pack-destination', work, '--no-update-notifier'], repo);
  tarball = join(work, `${PKG.name}-${PKG.version}.tgz`);
  if (pack.code !== 0 || !existsSync(tarball)) throw new Error(`npm pack failed (${pack.code}): ${pack.stderr}`);
  tarFiles = (await run('tar', ['-tzf', tarball], work)).stdout.split('\n').filter(Boolean);

  consumer = join(work, 'consumer');
  mkdirSync(consumer);
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
  install = await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--no-update-notifier', tarball], consumer);
  installed = join(consumer, 'node_modules', PKG.name);
}, RUN_TIMEOUT_MS * 2);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('npm pack', () => {
  it('builds on prepack; the tarball holds the built library, its declarations (ESM and CJS), the bin, the anchors and the demo fixtures', () => {
    for (const f of ['dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/index.d.cts', 'dist/src/cli/main.js', 'dist/cli/dnssec-stub.cjs', 'dist/cli/main.cjs', 'trust-anchors/root-anchors.xml', 'README.md', 'package.json']) {
      expect(tarFiles).toContain(`package/${f}`);
    }
    const fixtures = readdirSync(join(ROOT, 'fixtures', 'lab')).filter((f) => f.endsWith('.json'));
    expect(fixtures.length).toBeGreaterThan(0);
    for (const f of fixtures) expect(tarFiles).toContain(`package/fixtures/lab/${f}`);
  });

  it('ships no V8 code cache (opaque bytecode; the installed bin writes its own, for its Node, on first use)', () => {
    expect(tarFiles.filter((f) => f.endsWith('.cache'))).toEqual([]);
  });

  it("ships no tsc output of the bin (dist/src/cli/bin.js, code-cache.js): only dist/cli's bundle needs it", () => {
    expect(tarFiles.filter((f) => /^package\/dist\/src\/cli\/(bin|code-cache)\./.test(f))).toEqual([]);
    expect(tarFiles).toContain('package/dist/src/cli/main.js');
  });

  it('ships no benchmarks, tests, sources or source maps', () => {
    expect(tarFiles.filter((f) => /\.map$|^package\/(dist\/bench|bench|test|src|scripts)\//.test(f))).toEqual([]);
    const js = tarFiles.filter((f) => f.endsWith('.js'));
    expect(js.length).toBeGreaterThan(20);
    for (const f of filesUnder(join(installed, 'dist')).filter((p) => p.endsWith('.js'))) {
      expect(readFileSync(f, 'utf8'), f).not.toContain('sourceMappingURL');
    }
  });
});

describe('npm install ./dnssec-stub-x.y.z.tgz into an empty directory', () => {
  it('succeeds and prints no warning', () => {
    expect(install.code, install.stderr).toBe(0);
    expect(install.stderr).toBe('');
    expect(existsSync(join(installed, 'dist', 'src', 'index.js'))).toBe(true);
  });

  it('import and require both give the API, and the same classes (one copy of the code)', async () => {
    writeFileSync(
      join(consumer, 'both.cjs'),
      `const { createValidator, UpstreamError } = require('dnssec-stub');
import('dnssec-stub').then((esm) => {
  console.log(typeof createValidator, typeof esm.createValidator, esm.UpstreamError === UpstreamError, esm.createValidator === createValidator);
});\n`,
    );
    const r = await run(process.execPath, ['both.cjs'], consumer);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('function function true true\n');
  }, TEST_TIMEOUT_MS);

  it.each(['node16', 'nodenext'])('TypeScript (module %s, skipLibCheck off) type-checks an ES module and a CommonJS consumer, and the compiled CommonJS runs', async (mode) => {
    mkdirSync(join(consumer, 'node_modules', '@types'), { recursive: true });
    const types = join(consumer, 'node_modules', '@types', 'node');
    if (!existsSync(types)) symlinkSync(realpathSync(join(ROOT, 'node_modules', '@types', 'node')), types, 'dir');
    const body = `const v = createValidator({ source: new FixtureSource(readFixture(process.argv[2]!)) });
const validate: (name: string, type: string) => Promise<ValidationResult> = v.validate.bind(v);
const anchors: TrustAnchor[] = [];
console.log(typeof createValidator, typeof validate, anchors.length, UpstreamError.name);
// @ts-expect-error a misspelt export must not type-check
export type Misspelt = typeof import('dnssec-stub').createValidatr;\n`;
    const head = `import { createValidator, FixtureSource, readFixture, UpstreamError, type TrustAnchor, type ValidationResult } from 'dnssec-stub';\n`;
    writeFileSync(join(consumer, 'esm.mts'), head + body);
    writeFileSync(join(consumer, 'cjs.cts'), head + body);
    const out = join(consumer, `out-${mode}`);
    const common = ['--strict', '--module', mode, '--moduleResolution', mode, '--target', 'es2022', '--skipLibCheck', 'false', '--types', 'node'];
    const tsc = await run(process.execPath, [TSC, ...common, '--outDir', out, 'esm.mts', 'cjs.cts'], consumer);
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.code).toBe(0);
    expect(readFileSync(join(out, 'cjs.cjs'), 'utf8')).toContain('require("dnssec-stub")');
    const fixture = join(installed, 'fixtures', 'lab', 'mail-tlsa.json');
    for (const file of ['cjs.cjs', 'esm.mjs']) {
      const r = await run(process.execPath, [join(out, file), fixture], consumer);
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe('function function 0 UpstreamError\n');
    }
  }, TEST_TIMEOUT_MS);

  it('npx dnssec-stub --version works right away', async () => {
    const r = await run('npx', ['--no', '--', 'dnssec-stub', '--version'], consumer);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`dnssec-stub ${PKG.version}\n`);
    expect(r.code).toBe(0);
  }, TEST_TIMEOUT_MS);

  it('npx dnssec-stub demo replays every shipped fixture as expected', async () => {
    const dir = join('node_modules', PKG.name, 'fixtures', 'lab');
    // demo replays every fixture under DIR, subfolders included (fixtures/lab/mail).
    const n = readdirSync(join(consumer, dir), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.json')).length;
    const r = await run('npx', ['--no', '--', 'dnssec-stub', 'demo', dir], consumer);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(`;; ${n} fixtures replayed, ${n} as expected\n`);
    expect(r.code).toBe(0);
  }, TEST_TIMEOUT_MS);

  it('each runtime dependency is imported by the shipped code, and the shipped code imports no other package', () => {
    const deps = Object.keys((JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> }).dependencies ?? {});
    const used = new Set<string>();
    for (const f of filesUnder(join(installed, 'dist')).filter((p) => p.endsWith('.js') || p.endsWith('.cjs'))) {
      // Static imports, import() and require() calls (crypto/_noble.js names each noble module in a literal import();
      // the bundles in dist/cli require node: modules and leave @noble outside).
      for (const m of readFileSync(f, 'utf8').matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*)['"]([^'"./][^'"]*)['"]/g)) {
        const spec = m[1]!;
        if (spec.startsWith('node:')) continue;
        used.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
      }
    }
    expect(deps.length).toBeGreaterThan(0);
    expect([...used].sort()).toEqual([...deps].sort());
  });

  it('the installed bin loads neither @noble nor a transport (nor node:net, node:tty, perf_hooks) to replay an RSA/ECDSA fixture; an Ed25519 zone loads that curve only', async () => {
    writeFileSync(
      join(consumer, 'probe.cjs'),
      `process.on('exit', () => {
  const noble = Object.keys(require.cache).filter((k) => k.includes('@noble')).map((k) => k.slice(k.indexOf('@noble')));
  const transports = process.moduleLoadList.filter((m) => /NativeModule (dgram|tls|http2|net|tty|perf_hooks)$/.test(m));
  require('node:fs').writeSync(2, JSON.stringify({ noble, transports }) + '\\n');
});\n`,
    );
    const bin = join(consumer, 'node_modules', '.bin', 'dnssec-stub');
    const probe = async (fixture: string): Promise<unknown> => {
      const r = await run(process.execPath, ['-r', './probe.cjs', bin, 'validate', '--fixture', join(installed, 'fixtures', 'lab', fixture)], consumer);
      expect(r.code).toBe(0);
      return JSON.parse(r.stderr);
    };
    expect(await probe('mail-tlsa.json')).toEqual({ noble: [], transports: [] });
    expect(await probe('alg15-positive.json')).toEqual({ noble: ['@noble/curves/ed25519.js'], transports: [] });
  }, TEST_TIMEOUT_MS);

  it('the installed bin writes its code cache beside itself on first use, then runs from it without writing again', async () => {
    const cli = join(installed, 'dist', 'cli');
    const caches = (): string[] => readdirSync(cli).filter((f) => f.endsWith('.cache'));
    const args = ['--no', '--', 'dnssec-stub', 'validate', '--fixture', join(installed, 'fixtures', 'lab', 'mail-tlsa.json')];
    expect((await run('npx', args, consumer)).code).toBe(0);
    const after = caches();
    expect(after.length).toBeGreaterThan(0);
    const mtimes = after.map((f) => statSync(join(cli, f)).mtimeMs);
    const again = await run('npx', args, consumer);
    expect(again.code).toBe(0);
    expect(caches()).toEqual(after);
    expect(after.map((f) => statSync(join(cli, f)).mtimeMs)).toEqual(mtimes);
  }, TEST_TIMEOUT_MS);
});
