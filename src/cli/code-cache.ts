/**
 * Runs the bundled CLI (dist/cli/main.cjs) as a CommonJS module compiled through V8's code cache, so that a command
 * does not compile its ~450 KB of JavaScript again at every start (start-up: `npm run bench:cli`). Node 20 has no
 * compile cache of its own for modules (`module.enableCompileCache` is Node >= 22.1); `vm.Script`'s `cachedData`
 * is the same V8 mechanism and works on every Node this package supports.
 *
 * The cache file sits beside the bundle, one per V8 version and architecture (`main.cjs.<v8>-<arch>.cache`), and
 * holds the SHA-256 of the bundle's source followed by V8's data. V8 checks its own version and flags, but of the
 * source only the length: the digest is what ties the cache to the exact source, so an edited bundle never runs
 * stale code. A cache that is missing, for another source, or rejected by V8 changes nothing but speed: the bundle
 * is compiled from source, and the cache is written again (atomically, when the process exits, so that it holds
 * every function the run compiled). A directory that cannot be written is left alone. `DNSSEC_STUB_CODE_CACHE=0`
 * turns the cache off (neither read nor written).
 */
import { accessSync, constants as fsConstants, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Script, constants as vmConstants } from 'node:vm';

/** What happened to the cache: used it, had none (or none for this source), V8 refused it, or it is turned off. */
export type CacheStatus = 'accepted' | 'absent' | 'rejected' | 'off';

export interface LoadedBundle {
  /** The bundle's module.exports. */
  readonly exports: unknown;
  readonly status: CacheStatus;
  /** The cache file of this Node for this bundle. */
  readonly cacheFile: string;
  /** Writes the cache now (the bin does this at exit when the status is not `accepted` or `off`). False if it cannot. */
  writeCache(): boolean;
}

const DIGEST_BYTES = 32;

function sha256(data: string | Uint8Array): Buffer {
  // node:crypto is loaded here, not at the top: `--version` (bin.ts) must not pay for it; every command that runs
  // the bundle verifies signatures with it anyway.
  const crypto = process.getBuiltinModule('node:crypto') as typeof import('node:crypto');
  return crypto.createHash('sha256').update(data).digest();
}

/**
 * The cache file of `bundle` for the running V8, architecture and V8 options: V8 refuses a cache made under other
 * flags (--max-old-space-size, --stack-size ...), so runs with other options (node's own, NODE_OPTIONS) keep their
 * own file instead of overwriting each other's.
 */
export function cacheFileOf(bundle: string): string {
  const options = sha256(JSON.stringify([process.execArgv, process.env['NODE_OPTIONS'] ?? ''])).toString('hex').slice(0, 8);
  return join(dirname(bundle), `${basename(bundle)}.${process.versions.v8}-${process.arch}-${options}.cache`);
}

function readCache(file: string, digest: Buffer): Buffer | undefined {
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch {
    return undefined;
  }
  if (data.length <= DIGEST_BYTES || !data.subarray(0, DIGEST_BYTES).equals(digest)) return undefined;
  return data.subarray(DIGEST_BYTES);
}

/**
 * Compiles and runs `bundle` (a CommonJS file) with the code cache; returns its exports and what became of the
 * cache. `useCache: false` compiles from source and reads and writes nothing.
 */
export function loadBundle(bundle: string, useCache = process.env['DNSSEC_STUB_CODE_CACHE'] !== '0'): LoadedBundle {
  const bytes = readFileSync(bundle);
  const source = bytes.toString('utf8');
  const cacheFile = cacheFileOf(bundle);
  const digest = useCache ? sha256(bytes) : undefined;
  const cachedData = digest ? readCache(cacheFile, digest) : undefined;
  // The CommonJS wrapper, as Node's loader applies it; a #! line is kept as a comment so that lines still match.
  const body = source.startsWith('#!') ? `//${source}` : source;
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${body}\n})`, {
    filename: bundle,
    ...(cachedData ? { cachedData } : {}),
    importModuleDynamically: vmConstants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const status: CacheStatus = !useCache ? 'off' : cachedData === undefined ? 'absent' : script.cachedDataRejected === true ? 'rejected' : 'accepted';
  const module = { exports: {} as unknown };
  const wrapper = script.runInThisContext() as (e: unknown, r: NodeJS.Require, m: { exports: unknown }, f: string, d: string) => void;
  wrapper.call(module.exports, module.exports, createRequire(bundle), module, bundle, dirname(bundle));
  return {
    exports: module.exports,
    status,
    cacheFile,
    writeCache(): boolean {
      if (digest === undefined) return false;
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      try {
        // A read-only installation: do not even serialize.
        accessSync(dirname(cacheFile), fsConstants.W_OK);
        writeFileSync(tmp, Buffer.concat([digest, script.createCachedData()]));
        renameSync(tmp, cacheFile);
        return true;
      } catch {
        try {
          rmSync(tmp, { force: true });
        } catch {
          // nothing was written
        }
        return false;
      }
    },
  };
}
