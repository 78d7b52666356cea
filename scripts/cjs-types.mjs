#!/usr/bin/env node
/**
 * Declarations for CommonJS consumers: a `.d.cts` beside every `.d.ts` under dist/src, with relative specifiers
 * './x.js' rewritten to './x.cjs' (which TypeScript resolves to './x.d.cts').
 *
 * Why: the package is one ES module build; `require('dnssec-stub')` loads that same build (Node >= 20.19 requires
 * ES modules without a flag), so there is one copy of every class at run time. But TypeScript reads the format of
 * a declaration file from its extension and the nearest package.json "type": a `.d.ts` here is an ES module, and a
 * CommonJS project compiled with `module: node16` refuses to require() it (TS1479). The `require` condition of
 * `exports` therefore points TypeScript at these `.d.cts` copies, which describe the same API as CommonJS.
 *
 *   node scripts/cjs-types.mjs [DIST_SRC]   (default: dist/src)
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const MAX_DEPTH = 16;
const root = process.argv[2] ?? 'dist/src';

/** './a/b.js' → './a/b.cjs' in `from '...'`, `import '...'` and `import('...')`; bare specifiers are left alone. */
export function toCjsDeclaration(text) {
  return text.replace(/((?:from|import)\s*\(?\s*)(['"])(\.{1,2}\/[^'"]*?)\.js\2/g, '$1$2$3.cjs$2');
}

let count = 0;
function walk(dir, depth) {
  if (depth > MAX_DEPTH) throw new Error(`${dir}: too deep`);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, depth + 1);
    else if (entry.isFile() && entry.name.endsWith('.d.ts')) {
      writeFileSync(path.slice(0, -'.d.ts'.length) + '.d.cts', toCjsDeclaration(readFileSync(path, 'utf8')));
      count++;
    }
  }
}

walk(root, 0);
if (count === 0) {
  process.stderr.write(`cjs-types: no .d.ts files under ${root}\n`);
  process.exit(1);
}
