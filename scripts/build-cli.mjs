#!/usr/bin/env node
/**
 * The shipped bin, built from tsc's output (dist/src) by esbuild (a devDependency: nothing of esbuild ships):
 *   dist/cli/dnssec-stub.cjs  the bin (src/cli/bin.ts): answers --version, runs main.cjs through V8's code cache
 *   dist/cli/main.cjs         the whole CLI (src/cli/main.ts) in one CommonJS file; @noble stays outside, loaded
 *                             from node_modules only when an algorithm needs it (src/crypto/_noble.ts)
 *   dist/cli/main.cjs.<v8>-<arch>.cache   V8's code cache of main.cjs for the Node that ran the build (code-cache.ts),
 *                             filled by replaying a shipped fixture once; another Node writes its own on first use
 * It removes tsc's dist/src/cli/bin.js and code-cache.js (with their declarations), which only the bundle needs.
 * Why CommonJS and one file: Node 20's ES module loader resolves, links and compiles each of the ~150 modules apart,
 * which costs more than all of a fixture's validation (`npm run bench:cli`, README "Start-up").
 *
 *   node scripts/build-cli.mjs [OUT_DIR]   (default: dist; reads OUT_DIR/src)
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = resolve(process.argv[2] ?? join(ROOT, 'dist'));
const cliDir = join(out, 'cli');
const RUN_TIMEOUT_MS = 60_000;

rmSync(cliDir, { recursive: true, force: true });

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  logLevel: 'warning',
  // The modules are ES modules that find their package through import.meta.dirname and .filename (package-info.ts,
  // anchors.ts, main.ts, _noble.ts): in the bundle, the bundle file stands for them (each looks upward from its
  // directory for package.json). import.meta.url, which no bundled module uses now, is built only if read (a URL
  // costs milliseconds at start-up).
  define: { 'import.meta.url': '__dnssec_stub_import_meta.url', 'import.meta.dirname': '__dirname', 'import.meta.filename': '__filename' },
  banner: { js: 'var __dnssec_stub_import_meta = { get url() { return require("node:url").pathToFileURL(__filename).href; } };' },
  external: ['@noble/*'],
  legalComments: 'none',
  // ASCII only (other characters as \u escapes): the bin then decodes the bundle as latin1, not UTF-8 (code-cache.ts),
  // about 2 ms less at every start.
  charset: 'ascii',
  minifyWhitespace: true,
};

buildSync({ ...common, entryPoints: [join(out, 'src', 'cli', 'main.js')], outfile: join(cliDir, 'main.cjs') });
// The bundle is written as the function expression of the CommonJS wrapper, which code-cache.ts (WRAPPER_HEAD) then
// compiles as it is: wrapping it at each start copied its 340 KB into a second string. The #! line tsc kept goes.
{
  const file = join(cliDir, 'main.cjs');
  const code = readFileSync(file, 'latin1').replace(/^#![^\n]*\n/, '');
  writeFileSync(file, `(function (exports, require, module, __filename, __dirname) {${code}\n})`, 'latin1');
}
buildSync({ ...common, entryPoints: [join(out, 'src', 'cli', 'bin.js')], outfile: join(cliDir, 'dnssec-stub.cjs'), banner: { js: `#!/usr/bin/env node\n${common.banner.js}` } });
chmodSync(join(cliDir, 'dnssec-stub.cjs'), 0o755);
// tsc's output of the bin and its code cache is only this bundle's input: dist/src ships (package.json "files"), and a
// dist/src/cli/bin.js would run the CLI if anything imported it. Nothing else in dist/src imports them.
for (const name of ['bin', 'code-cache']) {
  for (const ext of ['.js', '.d.ts', '.d.cts', '.js.map']) rmSync(join(out, 'src', 'cli', `${name}${ext}`), { force: true });
}

// Fill the code cache: one replay of a shipped fixture (an RSA and ECDSA chain, a TLSA answer).
const warm = spawnSync(process.execPath, [join(cliDir, 'dnssec-stub.cjs'), 'validate', '--fixture', join(ROOT, 'fixtures', 'lab', 'mail-tlsa.json')], {
  stdio: ['ignore', 'ignore', 'pipe'],
  timeout: RUN_TIMEOUT_MS,
  env: { ...process.env, DNSSEC_STUB_CODE_CACHE: '1' },
});
if (warm.status !== 0) throw new Error(`build-cli: the bundled bin failed its first run (${warm.status ?? warm.signal}): ${warm.stderr}`);
const caches = readdirSync(cliDir).filter((f) => f.endsWith('.cache'));
if (caches.length !== 1) throw new Error(`build-cli: expected one code cache in ${cliDir}, found ${caches.join(', ') || 'none'}`);
