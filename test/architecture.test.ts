/**
 * The shape of the source tree, checked on every run: no import circles, no
 * import that reaches up a layer, no source file too long to read whole.
 *
 * Layers, lowest first: wire < types.ts < crypto < dnssec < validator <
 * resolver, fixtures < (mail, server, and any other feature directory) < cli
 * < index.ts. resolver/ and fixtures/ sit below validation's users but do not
 * use the validator: what they share with it (ResponseSource, UpstreamError)
 * lives in src/types.ts. src/errors.ts (ConfigError) sits beside types.ts.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SRC = join(ROOT, 'src');
const MAX_LINES = 400;

const RANK: Record<string, number> = { wire: 0, 'types.ts': 1, 'errors.ts': 1, crypto: 2, dnssec: 3, validator: 4, resolver: 5, fixtures: 5, cli: 7, 'index.ts': 8 };
/** Feature directories not listed (mail, server, ...) sit between the transports and the CLI. */
const FEATURE_RANK = 6;
/** Imports that the ranks allow but the design does not. */
const FORBIDDEN: readonly [from: string, to: string][] = [
  ['resolver', 'validator'],
  ['fixtures', 'validator'],
];

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out.sort();
}

/** Top-level part of a src-relative path: its directory, or the file itself. */
function part(file: string): string {
  return relative(SRC, file).split('/')[0]!;
}

function rank(file: string): number {
  return RANK[part(file)] ?? FEATURE_RANK;
}

/** Relative imports of a file (static, type-only, re-exports and dynamic import()), resolved to .ts files. */
export function importsOf(file: string, text: string): string[] {
  const specs = new Set<string>();
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  for (const m of code.matchAll(/(?:^|[\s;])(?:import|export)\s[^'";]*?from\s*['"]([^'"]+)['"]/g)) specs.add(m[1]!);
  for (const m of code.matchAll(/(?:^|[\s;])import\s*['"]([^'"]+)['"]/g)) specs.add(m[1]!);
  for (const m of code.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) specs.add(m[1]!);
  return [...specs].filter((s) => s.startsWith('.')).map((s) => resolve(dirname(file), s.replace(/\.js$/, '.ts')));
}

/** Every import circle (as a list of files), by depth-first search over the import graph. */
export function findCircles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const circles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (f: string): void => {
    state.set(f, 'open');
    stack.push(f);
    for (const g of graph.get(f) ?? []) {
      if (state.get(g) === 'open') circles.push(stack.slice(stack.indexOf(g)));
      else if (!state.has(g)) visit(g);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of graph.keys()) if (!state.has(f)) visit(f);
  return circles;
}

const files = sourceFiles(SRC);
const graph = new Map(files.map((f) => [f, importsOf(f, readFileSync(f, 'utf8'))] as const));
const rel = (f: string) => relative(ROOT, f);

describe('source tree architecture', () => {
  it('has no import circles (type-only imports included)', () => {
    expect(findCircles(graph).map((c) => c.map(rel).join(' -> '))).toEqual([]);
  });

  it('imports only downwards: wire < types < crypto < dnssec < validator < resolver/fixtures < features < cli < index', () => {
    const upward: string[] = [];
    for (const [f, deps] of graph) {
      for (const d of deps) {
        const forbidden = FORBIDDEN.some(([a, b]) => part(f) === a && part(d) === b);
        if (rank(d) > rank(f) || forbidden) upward.push(`${rel(f)} imports ${rel(d)}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('imports only files that exist', () => {
    const missing = [...graph].flatMap(([f, deps]) => deps.filter((d) => !graph.has(d)).map((d) => `${rel(f)} imports ${rel(d)}`));
    expect(missing).toEqual([]);
  });

  it(`has no source file over ${MAX_LINES} lines`, () => {
    const long = files.map((f) => ({ f: rel(f), lines: readFileSync(f, 'utf8').split('\n').length - 1 })).filter((x) => x.lines > MAX_LINES);
    expect(long).toEqual([]);
  });

  it('the checks themselves catch a circle and an upward import', () => {
    // The detector on a made-up graph: a -> b -> c -> a is a circle; d -> a is not.
    const g = new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]);
    expect(findCircles(g)).toEqual([['a', 'b', 'c']]);
    // The import parser on each import form.
    const text = `import { x } from './a.js';\nimport type { Y } from '../b/c.js';\nexport { z } from './d.js';\nexport * as w from './e.js';\nconst m = await import('./f.js');\n// import { no } from './comment.js';\nimport 'node:fs';`;
    const got = importsOf(join(SRC, 'validator', 'x.ts'), text).map(rel);
    expect(got).toEqual(['src/validator/a.ts', 'src/b/c.ts', 'src/validator/d.ts', 'src/validator/e.ts', 'src/validator/f.ts']);
    expect(rank(join(SRC, 'validator', 'x.ts'))).toBeGreaterThan(rank(join(SRC, 'dnssec', 'y.ts')));
  });
});
