/**
 * The static import graph of the sources: which modules a start-up loads before any dynamic `import()` runs.
 * Follows `import ... from '...'` and `export ... from '...'` statements (not `import type` / `export type`, which
 * vanish at compile time, and not `import()` expressions, which load on demand). Read from src/*.ts, resolving
 * './x.js' to './x.ts' as tsc does.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/** Static, value-carrying import and re-export specifiers of one source file. */
export function staticImports(source: string): string[] {
  const out: string[] = [];
  // Statements start a line; `import type` and `export type` are dropped; `import x, { type y }` keeps x.
  const re = /^(?:import|export)\s+(?!type\s)([^;'"]*?)\s*from\s*['"]([^'"]+)['"]|^import\s+['"]([^'"]+)['"]/gm;
  for (const m of source.matchAll(re)) {
    const clause = m[1];
    const spec = m[2] ?? m[3]!;
    // `import { type A, type B } from` carries no value either.
    if (clause !== undefined && /^\{[^}]*\}$/.test(clause.trim())) {
      const names = clause.trim().slice(1, -1).split(',').map((s) => s.trim()).filter(Boolean);
      if (names.length > 0 && names.every((n) => n.startsWith('type '))) continue;
    }
    out.push(spec);
  }
  return out;
}

/** Every module reached from `entry` (a .ts file) through static imports: relative files (root-relative) and bare specifiers. */
export function staticClosure(root: string, entry: string): Set<string> {
  const seen = new Set<string>();
  const stack = [join(root, entry)];
  while (stack.length > 0) {
    const file = stack.pop()!;
    const key = relative(root, file);
    if (seen.has(key)) continue;
    seen.add(key);
    for (const spec of staticImports(readFileSync(file, 'utf8'))) {
      if (spec.startsWith('.')) stack.push(join(dirname(file), spec.replace(/\.js$/, '.ts')));
      else seen.add(spec);
    }
  }
  return seen;
}
