/**
 * @noble/curves and @noble/hashes, each loaded the first time it is needed. No other module names them at run time.
 *
 * Why: importing @noble/curves' nist.js, ed25519.js or ed448.js costs about 50 ms each on the development machine
 * (their curve tables are built while the module is evaluated), @noble/hashes about 15 ms; on Node, node:crypto does
 * every verification and hash under `auto`, so a run normally needs none of them. They are needed by the pure
 * backend (`backend: 'noble'`, or no node:crypto), by the EdDSA key check (no native path: node-backend.ts), and
 * by the fallback when OpenSSL refuses a digest. `npm run bench:cli` measures the start-up this saves.
 *
 * How: synchronously, with `require` (Node >= 20.19, Deno and Bun require ES modules such as noble without a flag),
 * so the crypto API stays synchronous. `require` is reached through `process.getBuiltinModule`, so this module has no
 * static node: import. Where there is no `require` (a browser bundle), `pureCryptoReady()` starts dynamic imports
 * (with literal specifiers, which bundlers follow) and the validator awaits them before its first verification;
 * such runtimes have no node:crypto, so the pure backend is the one they use anyway. Until then a pure verifier
 * cannot be built and the caller fails closed (verify.ts turns the exception into `invalid`).
 */
type Modules = {
  nist: typeof import('@noble/curves/nist.js');
  ed25519: typeof import('@noble/curves/ed25519.js');
  ed448: typeof import('@noble/curves/ed448.js');
  modular: typeof import('@noble/curves/abstract/modular.js');
  sha2: typeof import('@noble/hashes/sha2.js');
  legacy: typeof import('@noble/hashes/legacy.js');
};

export type NobleModule = keyof Modules;

const SPECIFIER: Readonly<Record<NobleModule, string>> = {
  nist: '@noble/curves/nist.js',
  ed25519: '@noble/curves/ed25519.js',
  ed448: '@noble/curves/ed448.js',
  modular: '@noble/curves/abstract/modular.js',
  sha2: '@noble/hashes/sha2.js',
  legacy: '@noble/hashes/legacy.js',
};

/** Literal `import()` calls, for runtimes without `require` (and for bundlers, which only follow literals). */
const IMPORT: { readonly [K in NobleModule]: () => Promise<Modules[K]> } = {
  nist: () => import('@noble/curves/nist.js'),
  ed25519: () => import('@noble/curves/ed25519.js'),
  ed448: () => import('@noble/curves/ed448.js'),
  modular: () => import('@noble/curves/abstract/modular.js'),
  sha2: () => import('@noble/hashes/sha2.js'),
  legacy: () => import('@noble/hashes/legacy.js'),
};

type Require = (id: string) => unknown;

function findRequire(): Require | undefined {
  try {
    const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    const mod = proc?.getBuiltinModule?.('node:module') as { createRequire?: (from: string) => Require } | undefined;
    // import.meta.filename (Node >= 20.11): a path, which the CLI bundle (dist/cli/main.cjs) also has, without the
    // cost of building a URL at start-up; import.meta.url where there is no filename.
    return typeof mod?.createRequire === 'function' ? mod.createRequire(import.meta.filename ?? import.meta.url) : undefined;
  } catch {
    return undefined;
  }
}

const requireSync: Require | undefined = findRequire();
const loaded: { [K in NobleModule]?: Modules[K] } = {};
let pending: Promise<void> | undefined;

function load<K extends NobleModule>(name: K): Modules[K] {
  let mod = loaded[name] as Modules[K] | undefined;
  if (mod === undefined) {
    if (requireSync === undefined) throw new Error(`${SPECIFIER[name]} is not loaded yet (await pureCryptoReady() first)`);
    mod = requireSync(SPECIFIER[name]) as Modules[K];
    loaded[name] = mod;
  }
  return mod;
}

export const nist = (): Modules['nist'] => load('nist');
export const ed25519 = (): Modules['ed25519'] => load('ed25519');
export const ed448 = (): Modules['ed448'] => load('ed448');
export const modular = (): Modules['modular'] => load('modular');
export const sha2 = (): Modules['sha2'] => load('sha2');
export const legacy = (): Modules['legacy'] => load('legacy');

/** See pureCryptoReady (ready.ts). */
export function startPureCryptoLoad(): Promise<void> | undefined {
  if (requireSync !== undefined) return undefined;
  pending ??= Promise.all(
    (Object.keys(IMPORT) as NobleModule[]).map(async (name) => {
      try {
        (loaded as Record<NobleModule, unknown>)[name] = await IMPORT[name]();
      } catch {
        // stays unloaded: load() throws, the verifier fails closed
      }
    }),
  ).then(() => undefined);
  return pending;
}

/** The noble modules loaded so far (tests and diagnostics). */
export function loadedNobleModules(): NobleModule[] {
  return (Object.keys(SPECIFIER) as NobleModule[]).filter((name) => loaded[name] !== undefined);
}
