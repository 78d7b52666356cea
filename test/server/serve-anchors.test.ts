/**
 * `dnssec-stub serve --trust-anchor A --trust-anchor B` uses the anchors of
 * both files, as validate does (src/cli/user-files.ts): A holds the lab
 * root's DS, B a DS for alg13.lab. that matches none of its keys. With both,
 * www.lab. is secure (A) and www.alg13.lab. is bogus (B: the deepest anchor
 * wins, RFC 4035 §4.9.3 / §5); with A alone, www.alg13.lab. is secure. Real
 * dig against serve on loopback, the lab's Unbound upstream.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StartedLab, labUnavailableReason, startLab, stopLab } from '../lab/lab.js';
import { dig, startServe } from './serve-helper.js';

const unavailable = labUnavailableReason();
let lab: StartedLab;
let tmp: string;
let island: string;

beforeAll(async () => {
  if (unavailable) throw new Error(`this test needs the DNSSEC lab (test/lab): ${unavailable}`);
  lab = await startLab();
  tmp = mkdtempSync(join(tmpdir(), 'dnssec-stub-serve-anchors-'));
  island = join(tmp, 'alg13.ds');
  writeFileSync(island, `alg13.lab. IN DS 12345 13 2 ${'AB'.repeat(32)}\n`);
}, 120_000);

afterAll(async () => {
  if (lab) await stopLab();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

async function withServe(anchorFiles: string[], fn: (s: { host: string; port: number }, stderr: () => string) => Promise<void>): Promise<void> {
  const s = await startServe(['--server', `${lab.resolver.address}:${lab.resolver.port}`, ...anchorFiles.flatMap((f) => ['--trust-anchor', f])]);
  try {
    await fn(s, s.stderr);
  } finally {
    expect(await s.stop()).toBe(0);
  }
}

describe('serve with two --trust-anchor files uses both', () => {
  it('the root anchor alone: www.lab. and www.alg13.lab. secure (AD)', async () => {
    await withServe([lab.anchors.ds], async (s) => {
      expect((await dig(s, 'www.lab.', 'A', ['+dnssec'])).flags).toContain('ad');
      expect((await dig(s, 'www.alg13.lab.', 'A', ['+dnssec'])).flags).toContain('ad');
    });
  });

  it.each([
    ['root file first', () => [lab.anchors.ds, island]],
    ['island file first', () => [island, lab.anchors.ds]],
  ] as [string, () => string[]][])('both (%s): www.lab. secure by the root anchor, www.alg13.lab. bogus by the other', async (_order, files) => {
    await withServe(files(), async (s, stderr) => {
      expect(stderr()).toMatch(/ready on .*; 2 trust anchor\(s\) from /);
      expect(stderr()).toContain(lab.anchors.ds);
      expect(stderr()).toContain(island);
      const secure = await dig(s, 'www.lab.', 'A', ['+dnssec']);
      expect(secure.status).toBe('NOERROR');
      expect(secure.flags).toContain('ad');
      const bogus = await dig(s, 'www.alg13.lab.', 'A', ['+dnssec']);
      expect(bogus.status).toBe('SERVFAIL');
      expect(bogus.ede.length).toBeGreaterThan(0);
    });
  });
});
