/**
 * Where the package is installed (works from src/cli and dist/src/cli) and
 * its version, for --version and for the default paths.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const MAX_DEPTH = 32;

/** The nearest directory above this module holding dnssec-stub's package.json. */
export function packageRoot(): string {
  let dir = import.meta.dirname;
  for (let i = 0; i < MAX_DEPTH; i++) {
    const file = join(dir, 'package.json');
    if (existsSync(file) && readName(file) === 'dnssec-stub') return dir;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  // Unusual layout: assume src/cli or dist/src/cli under the root.
  return join(import.meta.dirname, '..', '..');
}

function readName(file: string): string | undefined {
  try {
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown };
    return typeof pkg.name === 'string' ? pkg.name : undefined;
  } catch {
    return undefined;
  }
}

export function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Default directory of `dnssec-stub demo`. */
export function defaultDemoDir(): string {
  return join(packageRoot(), 'fixtures', 'lab');
}
