/**
 * Every code sample in README.md that uses the package (```ts and ```js
 * blocks naming 'dnssec-stub') type-checks as a user's file would: ES modules
 * as .mts, `require` samples as .cts, `strict` and `noUnusedLocals` on
 * (a sample that imports a name it never uses is a sample that does not show
 * what it imports), `dnssec-stub` resolved to this repository's
 * src/index.ts. Import-only samples get a use of each name they import.
 * test/package/pack.test.ts checks the built tarball's declarations.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { packageSamples } from '../support/readme-samples.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

/** The names a sample imports from the package (import { a, type B } / const { a } = require). */
function importedNames(code: string): string[] {
  const names: string[] = [];
  for (const m of code.matchAll(/(?:import|const)\s*\{([^}]*)\}\s*(?:from|=\s*require\()\s*['"]dnssec-stub['"]/g)) {
    for (const part of m[1]!.split(',')) {
      const n = part.trim().replace(/^type\s+/, '');
      if (n) names.push(n);
    }
  }
  return names;
}

const importOnly = (code: string): boolean =>
  code.split('\n').every((l) => l.trim() === '' || /^(import|const)\s*\{[^}]*\}\s*(from|=\s*require\()\s*['"]dnssec-stub['"]\)?;\s*$/.test(l.trim()));

let work: string | undefined;
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('README code samples', () => {
  const samples = packageSamples(readFileSync(join(ROOT, 'README.md'), 'utf8'), ['ts', 'js']);

  it('are found: the quick start, checkMail, and the ESM and CommonJS imports', () => {
    expect(samples.some((s) => s.code.includes('validator.validate('))).toBe(true);
    expect(samples.some((s) => s.code.includes('checkMail('))).toBe(true);
    expect(samples.some((s) => /^import /.test(s.code) && importOnly(s.code))).toBe(true);
    expect(samples.some((s) => /require\('dnssec-stub'\)/.test(s.code))).toBe(true);
  });

  it('the extractor sees through an import-only sample and a type import', () => {
    expect(importedNames("import { a, type B } from 'dnssec-stub';")).toEqual(['a', 'B']);
    expect(importOnly("const { a } = require('dnssec-stub');")).toBe(true);
    expect(importOnly("import { a } from 'dnssec-stub';\na();")).toBe(false);
  });

  it('type-check with strict and noUnusedLocals against the package source', async () => {
    work = mkdtempSync(join(tmpdir(), 'dnssec-stub-readme-'));
    const files: string[] = [];
    for (const s of samples) {
      const cjs = /require\(\s*['"]dnssec-stub['"]\s*\)/.test(s.code);
      // A require sample is CommonJS TypeScript: `import x = require()` gives it types (a bare require is `any`).
      let code = cjs ? s.code.replace(/const\s*\{([^}]*)\}\s*=\s*require\(\s*(['"]dnssec-stub['"])\s*\);/g, 'import pkg = require($2);\nconst {$1} = pkg;') : s.code;
      if (importOnly(s.code)) code += `\nexport const used = [${importedNames(s.code).join(', ')}];\n`;
      else if (!cjs) code += '\nexport {};\n';
      const file = `readme-line-${s.line}.${cjs ? 'cts' : 'mts'}`;
      writeFileSync(join(work, file), `// README.md line ${s.line}\n${code}`);
      files.push(file);
    }
    writeFileSync(
      join(work, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noUnusedLocals: true,
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          lib: ['es2023'],
          types: ['node'],
          typeRoots: [join(ROOT, 'node_modules', '@types')],
          skipLibCheck: true,
          noEmit: true,
          paths: { 'dnssec-stub': [join(ROOT, 'src', 'index.ts')] },
        },
        files,
      }),
    );
    const r = await new Promise<{ code: number; out: string }>((resolve) => {
      execFile(process.execPath, [TSC, '-p', join(work!, 'tsconfig.json')], { cwd: work, timeout: 240_000, encoding: 'utf8' }, (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, out: stdout + stderr }),
      );
    });
    expect(files.length).toBeGreaterThanOrEqual(4);
    expect(r.out).toBe('');
    expect(r.code).toBe(0);
  }, 300_000);
});
