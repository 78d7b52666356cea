/**
 * src/cli/code-cache.ts: the CLI bundle compiled through V8's code cache. A cache only ever changes speed: the code
 * that runs is the bundle's current source, whatever the cache file holds.
 */
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type CachePlaces,
  MAX_CACHES_BESIDE_BUNDLE,
  MAX_CACHES_PER_USER,
  WRAPPER_HEAD,
  cacheFileOf,
  cachePlaces,
  isPrivateDir,
  loadBundle,
  userCacheDir,
  userCacheFileOf,
} from '../../src/cli/code-cache.js';

let dir: string;
let bundle: string;

/** A CommonJS module with enough functions for V8 to cache; `answer` tells which source ran. */
function bundleSource(answer: number): string {
  const helpers = Array.from({ length: 50 }, (_, i) => `function h${i}(x) { return x + ${i}; }`).join('\n');
  return `#!/usr/bin/env node\n${helpers}\nconst base = require('node:path').basename(__filename);\nmodule.exports = { answer: () => ${answer}, base, dir: __dirname, sum: () => h1(0) + h2(0) };\n`;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dnssec-stub-code-cache-'));
  bundle = join(dir, 'main.cjs');
  writeFileSync(bundle, bundleSource(41));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

type Exports = { answer(): number; base: string; dir: string; sum(): number };

let copies = 0;
/**
 * The bundle and its cache file under a new name. V8 keeps what this process compiled in memory, keyed by source and
 * file name, and would not even look at a cache for a script it has compiled already: a new name makes it do so.
 */
function copied(): string {
  const file = join(dir, `copy${++copies}.cjs`);
  writeFileSync(file, readFileSync(bundle));
  try {
    writeFileSync(cacheFileOf(file), readFileSync(cacheFileOf(bundle)));
  } catch {
    // no cache to copy
  }
  return file;
}

describe('loadBundle', () => {
  it('runs a CommonJS file as Node would (exports, require, __filename, __dirname, a #! line)', () => {
    const b = loadBundle(bundle, true);
    const e = b.exports as Exports;
    expect([e.answer(), e.base, e.dir, e.sum()]).toEqual([41, 'main.cjs', dir, 3]);
  });

  it('a file written as the wrapper already (the built bundle) is compiled as it is, with the cache, and runs the same', () => {
    writeFileSync(bundle, `${WRAPPER_HEAD}${bundleSource(41).replace(/^#![^\n]*\n/, '')}\n})`);
    const first = loadBundle(bundle, true);
    expect([(first.exports as Exports).answer(), (first.exports as Exports).base, (first.exports as Exports).sum()]).toEqual([41, 'main.cjs', 3]);
    expect(first.writeCache()).toBe(true);
    const second = loadBundle(copied(), true);
    expect(second.status).toBe('accepted');
    expect((second.exports as Exports).answer()).toBe(41);
  });

  it('a bundle with characters beyond ASCII is read as UTF-8 (the latin1 fast path is for ASCII bundles only)', () => {
    writeFileSync(bundle, `module.exports = { text: () => 'RFC 4035 §5.3.1 → ok' };\n`);
    expect((loadBundle(bundle, false).exports as { text(): string }).text()).toBe('RFC 4035 §5.3.1 → ok');
  });

  it('without a cache file: absent; writeCache stores the digest of the source and V8 data, and the next load accepts it', () => {
    const first = loadBundle(bundle, true);
    expect(first.status).toBe('absent');
    expect(first.writeCache()).toBe(true);
    expect(first.cacheFile).toBe(cacheFileOf(bundle));
    const data = readFileSync(first.cacheFile);
    expect(data.length).toBeGreaterThan(32);
    const second = loadBundle(copied(), true);
    expect(second.status).toBe('accepted');
    expect((second.exports as Exports).answer()).toBe(41);
  });

  it('a bundle edited to a source of the same length runs the new source: the stale cache, which V8 alone would accept, is not used', () => {
    const first = loadBundle(bundle, true);
    first.writeCache();
    const cache = readFileSync(first.cacheFile);
    writeFileSync(bundle, bundleSource(42));
    expect(readFileSync(bundle).length).toBe(bundleSource(41).length);
    // What V8 checks of the source is its length: it takes the old cache for the new source.
    const wrapped = `(function (exports, require, module, __filename, __dirname) {//${bundleSource(42)}\n})`;
    expect(new Script(wrapped, { filename: bundle, cachedData: cache.subarray(32) }).cachedDataRejected).toBe(false);
    const edited = loadBundle(copied(), true);
    expect(edited.status).toBe('absent');
    expect((edited.exports as Exports).answer()).toBe(42);
  });

  it('a cache for this source that V8 refuses (damaged data): rejected, and the bundle runs from source', () => {
    const first = loadBundle(bundle, true);
    first.writeCache();
    const cache = readFileSync(first.cacheFile);
    const damaged = Buffer.concat([cache.subarray(0, 32), Buffer.alloc(cache.length - 32, 0xa5)]);
    writeFileSync(first.cacheFile, damaged);
    const b = loadBundle(copied(), true);
    expect(b.status).toBe('rejected');
    expect((b.exports as Exports).answer()).toBe(41);
  });

  it('a cache file shorter than its digest, or empty, is no cache', () => {
    for (const junk of [Buffer.alloc(0), Buffer.alloc(10, 1)]) {
      writeFileSync(cacheFileOf(bundle), junk);
      expect(loadBundle(copied(), true).status).toBe('absent');
    }
  });

  it('turned off: neither read nor written', () => {
    loadBundle(bundle, true).writeCache();
    const off = loadBundle(bundle, false);
    expect(off.status).toBe('off');
    expect(off.writeCache()).toBe(false);
  });

  it('a cache directory that cannot be written: writeCache returns false, nothing is thrown', () => {
    const b = loadBundle(join(dir, 'main.cjs'), true);
    rmSync(dir, { recursive: true, force: true });
    expect(b.writeCache()).toBe(false);
  });

  it('the cache file is named by the V8 version, the architecture and the V8 options of this process, beside the bundle', () => {
    const file = cacheFileOf(bundle);
    expect(dirname(file)).toBe(dir);
    expect(basename(file)).toMatch(new RegExp(`^main\\.cjs\\.${process.versions.v8.replace(/\./g, '\\.')}-${process.arch}-[0-9a-f]{8}\\.cache$`));
  });

  it('a missing bundle throws (the bin reports it as an internal error)', () => {
    expect(() => loadBundle(join(dir, 'nope.cjs'), true)).toThrow(/ENOENT/);
  });
});

describe('the per-user cache folder, for a package folder that cannot be written', () => {
  it('is $XDG_CACHE_HOME/dnssec-stub (absolute only), else $HOME/.cache/dnssec-stub; %LOCALAPPDATA%\\dnssec-stub on Windows; none without them', () => {
    expect(userCacheDir({ XDG_CACHE_HOME: '/x/cache', HOME: '/home/u' }, 'linux')).toBe('/x/cache/dnssec-stub');
    expect(userCacheDir({ XDG_CACHE_HOME: 'relative', HOME: '/home/u' }, 'linux')).toBe('/home/u/.cache/dnssec-stub');
    expect(userCacheDir({ XDG_CACHE_HOME: '', HOME: '/home/u' }, 'darwin')).toBe('/home/u/.cache/dnssec-stub');
    expect(userCacheDir({}, 'linux')).toBeUndefined();
    expect(userCacheDir({ HOME: 'home' }, 'linux')).toBeUndefined();
    expect(userCacheDir({ HOME: '/home/u' }, 'win32')).toBeUndefined();
  });

  it('a writable package folder keeps its cache beside the bundle, whatever the user folder', () => {
    expect(cachePlaces(bundle, { XDG_CACHE_HOME: join(dir, 'user') })).toEqual({ read: [cacheFileOf(bundle)], write: cacheFileOf(bundle), private: false });
  });

  it('is used only if it is a directory (lstat: not a symlink) owned by this user and not writable by group or others', () => {
    const mine = join(dir, 'mine');
    mkdirSync(mine, { mode: 0o700 });
    expect(isPrivateDir(mine)).toBe(true);
    chmodSync(mine, 0o755);
    expect(isPrivateDir(mine)).toBe(true);
    chmodSync(mine, 0o770);
    expect(isPrivateDir(mine)).toBe(false);
    chmodSync(mine, 0o702);
    expect(isPrivateDir(mine)).toBe(false);
    chmodSync(mine, 0o700);
    const link = join(dir, 'link');
    symlinkSync(mine, link, 'dir');
    expect(isPrivateDir(link)).toBe(false);
    const file = join(dir, 'file');
    writeFileSync(file, '');
    expect(isPrivateDir(file)).toBe(false);
    expect(isPrivateDir(join(dir, 'missing'))).toBe(false);
  });

  it('a folder owned by another user, or by this user with another group that may write, is not used (the tests run as root, which can give it away)', () => {
    const theirs = join(dir, 'theirs');
    mkdirSync(theirs, { mode: 0o700 });
    chownSync(theirs, 65534, 0);
    expect(isPrivateDir(theirs)).toBe(false);
    chownSync(theirs, 0, 65534);
    expect(isPrivateDir(theirs)).toBe(true);
    chmodSync(theirs, 0o720);
    expect(isPrivateDir(theirs)).toBe(false);
  });

  /** The places cachePlaces gives for a package folder that cannot be written (root writes any folder: test/cli/cli-bin.test.ts runs the bin as another user). */
  function readOnlyPlaces(user: string): CachePlaces {
    const file = userCacheFileOf(bundle, user);
    return { read: [file, cacheFileOf(bundle)], write: file, private: true };
  }

  it('the cache is written in the user folder, created with mode 0700, file 0600, named by the bundle path too; the next load accepts it', () => {
    const user = join(dir, 'xdg', 'dnssec-stub');
    const first = loadBundle(bundle, true, readOnlyPlaces(user));
    expect(first.status).toBe('absent');
    expect(first.writeCache()).toBe(true);
    expect(first.cacheFile).toBe(userCacheFileOf(bundle, user));
    expect(dirname(first.cacheFile)).toBe(user);
    expect(lstatSync(user).mode & 0o777).toBe(0o700);
    expect(statSync(first.cacheFile).mode & 0o777).toBe(0o600);
    expect(existsSync(cacheFileOf(bundle))).toBe(false);
    expect(userCacheFileOf(join(dir, 'other', 'main.cjs'), user)).not.toBe(first.cacheFile);
    // A copy under a new name (see copied()) with the user's cache moved to the copy's name.
    const copy = copied();
    writeFileSync(userCacheFileOf(copy, user), readFileSync(first.cacheFile));
    const second = loadBundle(copy, true, { read: [userCacheFileOf(copy, user), cacheFileOf(copy)], write: userCacheFileOf(copy, user), private: true });
    expect(second.status).toBe('accepted');
    expect((second.exports as Exports).answer()).toBe(41);
  });

  it('a cache in the read-only package folder (its owner wrote it) is still read; the user folder comes first', () => {
    loadBundle(bundle, true).writeCache();
    const copy = copied();
    const user = join(dir, 'user');
    const b = loadBundle(copy, true, { read: [userCacheFileOf(copy, user), cacheFileOf(copy)], write: userCacheFileOf(copy, user), private: true });
    expect(b.status).toBe('accepted');
  });

  it('a user folder that is group-writable or a symlink: nothing is written, nothing thrown; the bundle still runs', () => {
    const loose = join(dir, 'loose');
    mkdirSync(loose);
    chmodSync(loose, 0o775);
    const b = loadBundle(bundle, true, readOnlyPlaces(loose));
    expect((b.exports as Exports).answer()).toBe(41);
    expect(b.writeCache()).toBe(false);
    expect(existsSync(userCacheFileOf(bundle, loose))).toBe(false);
    const real = join(dir, 'real');
    mkdirSync(real, { mode: 0o700 });
    const link = join(dir, 'linked');
    symlinkSync(real, link, 'dir');
    expect(loadBundle(copied(), true, readOnlyPlaces(link)).writeCache()).toBe(false);
    expect(existsSync(userCacheFileOf(bundle, real))).toBe(false);
  });

  it('DNSSEC_STUB_CODE_CACHE=0 (useCache false) reads and writes no folder, the user folder neither', () => {
    const user = join(dir, 'off');
    const b = loadBundle(bundle, false, readOnlyPlaces(user));
    expect(b.status).toBe('off');
    expect(b.writeCache()).toBe(false);
    expect(existsSync(user)).toBe(false);
  });
});

describe('old cache files are removed when a new one is written', () => {
  /** `n` cache-like files named by `name(i)` in `folder`, the i-th modified i hours ago (0 is the newest). */
  function aged(folder: string, n: number, name: (i: number) => string): string[] {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    const files: string[] = [];
    const now = Date.now() / 1000;
    for (let i = 0; i < n; i++) {
      const file = join(folder, name(i));
      writeFileSync(file, 'old');
      utimesSync(file, now - 3600 * (i + 1), now - 3600 * (i + 1));
      files.push(file);
    }
    return files;
  }

  it(`beside the bundle: the newest ${MAX_CACHES_BESIDE_BUNDLE} of its own (other V8s, options) are kept; other files and other bundles' caches are not touched`, () => {
    const old = aged(dir, MAX_CACHES_BESIDE_BUNDLE + 3, (i) => `main.cjs.9.${i}.0-x64-0000000${i % 10}.cache`);
    writeFileSync(join(dir, 'other.cjs.9.9.9-x64-00000000.cache'), 'x');
    writeFileSync(join(dir, 'notes.txt'), 'x');
    const b = loadBundle(bundle, true);
    expect(b.writeCache()).toBe(true);
    const left = readdirSync(dir);
    expect(left).toContain(basename(b.cacheFile));
    expect(left).toContain('other.cjs.9.9.9-x64-00000000.cache');
    expect(left).toContain('notes.txt');
    // The new one and the newest MAX - 1 old ones.
    const keptOld = old.filter((f) => existsSync(f));
    expect(keptOld).toEqual(old.slice(0, MAX_CACHES_BESIDE_BUNDLE - 1));
    expect(left.filter((f) => f.startsWith('main.cjs.') && f.endsWith('.cache'))).toHaveLength(MAX_CACHES_BESIDE_BUNDLE);
  });

  it(`in the user's folder: the newest ${MAX_CACHES_PER_USER} caches of every installation are kept, and nothing else there is touched`, () => {
    const user = join(dir, 'user-prune');
    const old = aged(user, MAX_CACHES_PER_USER + 2, (i) => `${i.toString(16).padStart(12, '0')}-main.cjs.9.9.9-x64-00000000.cache`);
    writeFileSync(join(user, 'README'), 'x');
    const b = loadBundle(bundle, true, { read: [userCacheFileOf(bundle, user)], write: userCacheFileOf(bundle, user), private: true });
    expect(b.writeCache()).toBe(true);
    expect(existsSync(b.cacheFile)).toBe(true);
    expect(existsSync(join(user, 'README'))).toBe(true);
    expect(old.filter((f) => existsSync(f))).toEqual(old.slice(0, MAX_CACHES_PER_USER - 1));
  });

  it('a cache that is accepted is not written again, so nothing is pruned on an ordinary run', () => {
    loadBundle(bundle, true).writeCache();
    const old = aged(dir, MAX_CACHES_BESIDE_BUNDLE + 1, (i) => `main.cjs.8.${i}.0-x64-00000000.cache`);
    const again = loadBundle(copied(), true);
    expect(again.status).toBe('accepted');
    expect(old.every((f) => existsSync(f))).toBe(true);
  });
});
