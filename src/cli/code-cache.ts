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
 * every function the run compiled). `DNSSEC_STUB_CODE_CACHE=0` turns the cache off (neither read nor written).
 *
 * Where the package folder cannot be written (a global install run by another user), the cache lives in the user's
 * own folder instead (userCacheDir): $XDG_CACHE_HOME/dnssec-stub or ~/.cache/dnssec-stub (%LOCALAPPDATA%\dnssec-stub
 * on Windows), created with mode 0700, and used only if lstat shows a directory (not a symlink) owned by this user
 * and not writable by group or others: a code cache is code, so nobody else may be able to put one there. Anything
 * else means no cache: speed only, never an error, never a message.
 */
import { accessSync, constants as fsConstants, lstatSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { isAscii } from 'node:buffer';
import { createRequire } from 'node:module';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { Script, constants as vmConstants } from 'node:vm';

/** What happened to the cache: used it, had none (or none for this source), V8 refused it, or it is turned off. */
export type CacheStatus = 'accepted' | 'absent' | 'rejected' | 'off';

export interface LoadedBundle {
  /** The bundle's module.exports. */
  readonly exports: unknown;
  readonly status: CacheStatus;
  /** The cache file of this Node for this bundle that writeCache writes (beside the bundle, or in the user's folder). */
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

/**
 * The per-user cache folder: $XDG_CACHE_HOME/dnssec-stub (XDG Base Directory: only an absolute path counts), else
 * $HOME/.cache/dnssec-stub; %LOCALAPPDATA%\dnssec-stub on Windows. Undefined when the environment names none.
 */
export function userCacheDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string | undefined {
  const absolute = (p: string | undefined): string | undefined => (p !== undefined && p !== '' && isAbsolute(p) ? p : undefined);
  if (platform === 'win32') {
    const local = absolute(env['LOCALAPPDATA']);
    return local === undefined ? undefined : join(local, 'dnssec-stub');
  }
  const xdg = absolute(env['XDG_CACHE_HOME']);
  if (xdg !== undefined) return join(xdg, 'dnssec-stub');
  const home = absolute(env['HOME']);
  return home === undefined ? undefined : join(home, '.cache', 'dnssec-stub');
}

/**
 * True if `dir` may hold this user's code cache: lstat (a symlink is not followed) shows a directory owned by this
 * user and not writable by group or others. On Windows, where the mode bits mean nothing, a directory (the per-user
 * %LOCALAPPDATA% has the user's ACL).
 */
export function isPrivateDir(dir: string): boolean {
  try {
    const st = lstatSync(dir);
    if (!st.isDirectory()) return false;
    if (process.platform === 'win32' || process.getuid === undefined) return true;
    return st.uid === process.getuid() && (st.mode & 0o022) === 0;
  } catch {
    return false;
  }
}

/** Hex digits of the bundle path's digest that start a cache file's name in the user's folder. */
const PATH_TAG_HEX = 12;

/** The cache file of `bundle` in the user's folder: named also by the bundle's path, so that installs do not clash. */
export function userCacheFileOf(bundle: string, dir: string): string {
  return join(dir, `${sha256(bundle).toString('hex').slice(0, PATH_TAG_HEX)}-${basename(cacheFileOf(bundle))}`);
}

/** Where a cache is looked for (in this order) and where a new one goes (`private`: the user's folder). */
export interface CachePlaces {
  readonly read: readonly string[];
  readonly write: string | undefined;
  readonly private: boolean;
}

function writable(dir: string): boolean {
  try {
    accessSync(dir, fsConstants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The package folder when it can be written; else the user's folder (read first, then the package folder, which may
 * hold a cache its owner wrote), or, when there is no usable user folder, the package folder read-only.
 */
export function cachePlaces(bundle: string, env: NodeJS.ProcessEnv = process.env): CachePlaces {
  const beside = cacheFileOf(bundle);
  if (writable(dirname(bundle))) return { read: [beside], write: beside, private: false };
  const dir = userCacheDir(env);
  if (dir === undefined) return { read: [beside], write: undefined, private: false };
  const file = userCacheFileOf(bundle, dir);
  return { read: isPrivateDir(dir) ? [file, beside] : [beside], write: file, private: true };
}

/**
 * How many cache files are kept: beside a bundle, one per V8 version, architecture and V8 options that ran it; in the
 * user's folder, those of every installation the user ran (each `npx` of a new version is a new path). Nothing else
 * ever removes them, so each write keeps only the newest (by modification time) and removes the rest; a Node that
 * comes back after its cache was removed writes it again on its next run.
 */
export const MAX_CACHES_BESIDE_BUNDLE = 8;
export const MAX_CACHES_PER_USER = 32;

/** The cache files in `dir` that `isCache` accepts, newest first, beyond the `keep` newest: removed. Never throws. */
export function pruneCaches(dir: string, isCache: (name: string) => boolean, keep: number): void {
  try {
    const found: { file: string; mtimeMs: number }[] = [];
    for (const name of readdirSync(dir)) {
      if (!isCache(name)) continue;
      const file = join(dir, name);
      try {
        found.push({ file, mtimeMs: statSync(file).mtimeMs });
      } catch {
        // gone meanwhile
      }
    }
    found.sort((a, b) => b.mtimeMs - a.mtimeMs);
    for (const { file } of found.slice(keep)) rmSync(file, { force: true });
  } catch {
    // an unreadable folder: nothing pruned
  }
}

/** Cache file names this module writes: beside `bundle` (its own only), or in the user's folder (every bundle's). */
function cacheNamePattern(bundle: string, inUserDir: boolean): (name: string) => boolean {
  const own = `${basename(bundle)}.`;
  if (!inUserDir) return (name) => name.startsWith(own) && name.endsWith('.cache');
  const tagged = new RegExp(`^[0-9a-f]{${PATH_TAG_HEX}}-`);
  return (name) => tagged.test(name) && name.endsWith('.cache');
}

/** Creates the user's folder (mode 0700) if it is missing; true if it is then private to this user. */
function preparePrivateDir(dir: string): boolean {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch {
    return false;
  }
  return isPrivateDir(dir);
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

/** The head of the CommonJS wrapper, as Node's loader applies it. */
export const WRAPPER_HEAD = '(function (exports, require, module, __filename, __dirname) {';

/**
 * The source as a function expression of the CommonJS wrapper. The build writes the CLI bundle wrapped already
 * (scripts/build-cli.mjs), so its 340 KB are not copied into a second string at every start; any other file is
 * wrapped here, a #! line kept as a comment so that lines still match.
 */
function wrapped(source: string): string {
  if (source.startsWith(WRAPPER_HEAD)) return source;
  return `${WRAPPER_HEAD}${source.startsWith('#!') ? `//${source}` : source}\n})`;
}

/**
 * Compiles and runs `bundle` (a CommonJS file) with the code cache; returns its exports and what became of the
 * cache. `useCache: false` compiles from source and reads and writes nothing.
 */
export function loadBundle(bundle: string, useCache = process.env['DNSSEC_STUB_CODE_CACHE'] !== '0', places?: CachePlaces): LoadedBundle {
  const bytes = readFileSync(bundle);
  // An ASCII bundle (scripts/build-cli.mjs: charset ascii) decodes as latin1, about 4x faster than as UTF-8.
  const source = isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
  const where = useCache ? (places ?? cachePlaces(bundle)) : { read: [], write: undefined, private: false };
  const cacheFile = where.write ?? cacheFileOf(bundle);
  const digest = useCache ? sha256(bytes) : undefined;
  let cachedData: Buffer | undefined;
  for (const file of where.read) {
    cachedData = digest ? readCache(file, digest) : undefined;
    if (cachedData) break;
  }
  const script = new Script(wrapped(source), {
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
      if (digest === undefined || where.write === undefined) return false;
      if (where.private && !preparePrivateDir(dirname(cacheFile))) return false;
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      // A read-only installation: do not even serialize.
      if (!writable(dirname(cacheFile))) return false;
      try {
        writeFileSync(tmp, Buffer.concat([digest, script.createCachedData()]), { mode: where.private ? 0o600 : 0o666 });
        renameSync(tmp, cacheFile);
        pruneCaches(dirname(cacheFile), cacheNamePattern(bundle, where.private), where.private ? MAX_CACHES_PER_USER : MAX_CACHES_BESIDE_BUNDLE);
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
