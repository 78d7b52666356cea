/**
 * The vectors and scenarios in test/data are byte-identical copies of what
 * their PROVENANCE.tsv tables name (test/data/README.md): every file listed
 * there is present with the recorded sha256, and nothing unlisted hides beside
 * them (apart from the READMEs, the licence and the tables themselves).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const DATA = join(dirname(fileURLToPath(import.meta.url)), 'data');

function provenance(folder: string): Map<string, string> {
  const [header = '', ...rows] = readFileSync(join(DATA, folder, 'PROVENANCE.tsv'), 'utf8').trim().split('\n');
  const columns = header.split('\t');
  const fileCol = columns.indexOf('file');
  const shaCol = columns.indexOf('sha256');
  const table = new Map<string, string>();
  for (const cells of rows.map((row) => row.split('\t'))) table.set(cells[fileCol] ?? '', cells[shaCol] ?? '');
  return table;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const META = new Set(['PROVENANCE.tsv', 'README.md', 'LICENSE', 'INDEX.tsv']);

/**
 * Files whose copy in shared/ already differed from its own table on the day
 * of the copy (test/data/README.md): the sha256 of the copy as taken.
 */
const RECORDED_AT_COPY: Record<string, string> = {
  'real/root-trust-anchors.txt': '2308b8cc3954aa550f7488dd052cfa67ccf3e282280f05ea9f6f781c4120fd43',
};

describe.each(['vectors', 'conformance/unbound-val'])('test/data/%s matches its PROVENANCE.tsv', (folder) => {
  const table = provenance(folder);
  const root = join(DATA, folder);

  it('lists files', () => expect(table.size).toBeGreaterThan(20));

  it('every listed file has the recorded sha256', () => {
    for (const [file, sha] of table) {
      const actual = createHash('sha256').update(readFileSync(join(root, file))).digest('hex');
      expect(actual, file).toBe(RECORDED_AT_COPY[file] ?? sha);
    }
  });

  it('holds no unlisted data file', () => {
    const unlisted = filesUnder(root)
      .map((path) => relative(root, path))
      .filter((file) => !table.has(file) && !META.has(file.split('/').pop()!));
    expect(unlisted).toEqual([]);
  });
});
