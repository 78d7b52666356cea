/**
 * src/cli/code-cache.ts: the CLI bundle compiled through V8's code cache. A cache only ever changes speed: the code
 * that runs is the bundle's current source, whatever the cache file holds.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cacheFileOf, loadBundle } from '../../src/cli/code-cache.js';

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
