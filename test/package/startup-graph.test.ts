/**
 * What a command loads before it does anything (start-up, `npm run bench:cli`): the static import graph of the
 * sources. `--version` must not reach the validator, `validate` must not reach the transports (they are imported
 * when the network is used), and nothing may import @noble statically (crypto/_noble.ts loads it on first use).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { staticClosure, staticImports } from './import-graph.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('the import parser the graph is built with', () => {
  it.each([
    ["import { a } from './a.js';", ['./a.js']],
    ["import type { A } from './a.js';", []],
    ["import { type A, type B } from './a.js';", []],
    ["import { type A, b } from './b.js';", ['./b.js']],
    ["import {\n  a,\n  b,\n} from './multi.js';", ['./multi.js']],
    ["export * as limits from './limits.js';", ['./limits.js']],
    ["export type { R } from './r.js';", []],
    ["import 'node:side-effect';", ['node:side-effect']],
    ["  const m = await import('./lazy.js');", []],
    ["type M = typeof import('@noble/curves/nist.js');", []],
  ])('%j → %j', (source, expected) => {
    expect(staticImports(source)).toEqual(expected);
  });
});

describe('start-up loads only what the command needs', () => {
  it('--version (src/cli/main.ts) loads main, io, stdio, package-info and the error classes only: commands and the parser are imported when used', () => {
    const graph = [...staticClosure(ROOT, 'src/cli/main.ts')];
    // src/types.ts: the shared error classes (UpstreamError → exit 3); it imports nothing at run time.
    expect(graph.filter((m) => m.startsWith('src/')).sort()).toEqual(['src/cli/io.ts', 'src/cli/main.ts', 'src/cli/package-info.ts', 'src/cli/stdio.ts', 'src/types.ts']);
  });

  it('the shipped bin (src/cli/bin.ts → dist/cli/dnssec-stub.cjs) answers --version with node:fs, node:path, node:vm (and node:module and node:buffer, loaded already) only: no node:url, no URL built; the CLI bundle (main.ts) is loaded at run time', () => {
    const graph = [...staticClosure(ROOT, 'src/cli/bin.ts')];
    expect(graph.filter((m) => m.startsWith('src/')).sort()).toEqual(['src/cli/bin.ts', 'src/cli/code-cache.ts', 'src/cli/io.ts', 'src/cli/package-info.ts', 'src/cli/stdio.ts']);
    // node:module is loaded by Node's CommonJS loader before the bin runs, node:buffer by Node's bootstrap (the Buffer
    // global; code-cache.ts takes isAscii from it); node:crypto (the bundle's digest) is taken
    // with process.getBuiltinModule when the bundle is loaded, never for --version.
    expect(graph.filter((m) => m.startsWith('node:')).sort()).toEqual(['node:buffer', 'node:fs', 'node:module', 'node:path', 'node:vm']);
  });

  it('no module on the way to a --fixture validation imports node:net, node:tty, node:stream, node:perf_hooks or node:fs/promises (each costs milliseconds of start-up; stdout is written to its descriptor, stdio.ts)', () => {
    const costly = ['node:net', 'node:tty', 'node:stream', 'node:perf_hooks', 'node:fs/promises'];
    for (const entry of ['src/cli/bin.ts', 'src/cli/main.ts', 'src/cli/args.ts', 'src/cli/validate.ts']) {
      expect([...staticClosure(ROOT, entry)].filter((m) => costly.includes(m)), entry).toEqual([]);
    }
  });

  it('the parser (src/cli/args.ts, for --help and every command) reaches neither the validator, the crypto, the transports nor @noble', () => {
    const graph = [...staticClosure(ROOT, 'src/cli/args.ts')];
    expect(graph).toContain('src/wire/name.ts');
    // dnssec/question-type.ts is the one rule table the parser needs (which types can be asked: RFC 4035 §2.2, RFC 6895 §3.1); it imports only wire/rrtype.
    const heavy = (m: string): boolean => m !== 'src/dnssec/question-type.ts' && /^src\/(validator\/validator|validator\/key-chain|crypto|dnssec|resolver|fixtures)\b/.test(m);
    expect(graph).toContain('src/dnssec/question-type.ts');
    expect(graph.filter((m) => heavy(m) || m.startsWith('@noble/'))).toEqual([]);
  });

  it('validate (src/cli/validate.ts) reaches the validator but no transport: node:dgram, node:tls, node:http2 load only for the network', () => {
    const graph = [...staticClosure(ROOT, 'src/cli/validate.ts')];
    expect(graph).toContain('src/validator/validator.ts');
    expect(graph.filter((m) => m.startsWith('src/resolver/') || ['node:dgram', 'node:tls', 'node:http2'].includes(m))).toEqual([]);
  });

  it('the public API (src/index.ts) imports no @noble module statically', () => {
    const graph = [...staticClosure(ROOT, 'src/index.ts')];
    expect(graph).toContain('src/crypto/_noble.ts');
    expect(graph.filter((m) => m.startsWith('@noble/'))).toEqual([]);
  });

  it('only src/crypto/_noble.ts names @noble in code (types aside)', () => {
    const naming = sources(join(ROOT, 'src'))
      .filter((file) => {
        const code = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
        return /['"]@noble\//.test(code);
      })
      .map((file) => relative(ROOT, file));
    expect(naming).toEqual(['src/crypto/_noble.ts']);
  });
});
