/**
 * The compiled bin (`dist/src/cli/main.js serve`: the package's build when
 * it is newer than src/, else built into a temporary package as
 * test/cli/cli-bin.test.ts does) as systemd or a shell runs it:
 * the ready line, SIGHUP re-reading the anchors, SIGTERM (twice, as
 * timeout(1) or an impatient operator sends it) draining to exit status 0,
 * and the documented exit statuses for a usage error (64) and an address
 * that cannot be bound (69), and the refusal to use a resolv.conf that names
 * the proxy itself as upstream. No upstream is asked, so no lab is needed.
 */
import { execFile, spawn } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
let pkg: string;
let bin: string;

/** The newest modification time of the files under `dir` (ms). */
function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

beforeAll(async () => {
  pkg = mkdtempSync(join(tmpdir(), 'dnssec-stub-serve-bin-'));
  // The package's own build (npm ci runs it through `prepare`) when it is newer than every source file;
  // otherwise a fresh one, so a stale dist/ is never what is tested.
  const built = join(ROOT, 'dist', 'src', 'cli', 'main.js');
  if (existsSync(built) && statSync(built).mtimeMs >= newest(join(ROOT, 'src'))) {
    bin = built;
    return;
  }
  copyFileSync(join(ROOT, 'package.json'), join(pkg, 'package.json'));
  cpSync(join(ROOT, 'trust-anchors'), join(pkg, 'trust-anchors'), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(pkg, 'node_modules'), 'dir');
  await new Promise<void>((resolve) => execFile(process.execPath, [TSC, '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', join(pkg, 'dist')], () => resolve()));
  bin = join(pkg, 'dist', 'src', 'cli', 'main.js');
  if (!existsSync(bin)) throw new Error(`tsc did not produce ${bin}`);
  chmodSync(bin, 0o755);
}, 180_000);

afterAll(() => {
  if (pkg) rmSync(pkg, { recursive: true, force: true });
});

function runBin(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('exit', (code) => resolve({ code, stderr }));
  });
}

describe('serve as a process', () => {
  it('ready line; SIGHUP re-reads the anchors; SIGTERM twice still drains and exits 0', async () => {
    const p = spawn(bin, ['serve', '--listen', '127.0.0.1:0', '--server', '127.0.0.1:9'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exit = new Promise<number | null>((resolve) => p.on('exit', (code) => resolve(code)));
    const until = async (re: RegExp): Promise<void> => {
      const end = Date.now() + 20_000;
      while (!re.test(stderr)) {
        if (Date.now() > end) throw new Error(`no ${re} in: ${stderr}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    await until(/ready on 127\.0\.0\.1:\d+ \(udp, tcp\); \d+ trust anchor\(s\) from .*root-anchors\.xml/);
    p.kill('SIGHUP');
    await until(/SIGHUP: \d+ trust anchor\(s\) re-read/);
    p.kill('SIGTERM');
    p.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(stderr).toMatch(/draining\n.*stopped; stats queries=0 /);
    expect(stderr).not.toMatch(/\n\s+at /);
  }, 30_000);

  it('a non-loopback --listen without --allow: exit 64, one line', async () => {
    const r = await runBin(['serve', '--listen', '0.0.0.0:5353', '--server', '127.0.0.1:9']);
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(/^dnssec-stub: --listen 0\.0\.0\.0: not a loopback address; say which clients may use it with --allow CIDR\n$/);
  });

  it('no --server while /etc/resolv.conf names the proxy itself: exit 64 (in a private mount namespace)', async () => {
    const conf = join(pkg, 'resolv.conf');
    writeFileSync(conf, 'nameserver 127.0.0.1\noptions trust-ad edns0\n');
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve) =>
      execFile('unshare', ['-m', '--propagation', 'private', 'sh', '-c', `mount --bind '${conf}' /etc/resolv.conf && exec '${bin}' serve --listen 127.0.0.1:53`], (e, _out, stderr) =>
        resolve({ code: e ? (typeof e.code === 'number' ? e.code : null) : 0, stderr }),
      ),
    );
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(/^dnssec-stub: \/etc\/resolv\.conf names 127\.0\.0\.1, which this proxy listens on: give the upstream with --server\n$/);
  });

  it('an address already in use: exit 69, one line', async () => {
    const taken = createSocket('udp4');
    await new Promise<void>((r) => taken.bind(0, '127.0.0.1', () => r()));
    const r = await runBin(['serve', '--listen', `127.0.0.1:${taken.address().port}`, '--server', '127.0.0.1:9']);
    taken.close();
    expect(r.code).toBe(69);
    expect(r.stderr).toMatch(/^dnssec-stub: cannot listen: .*EADDRINUSE.*\n$/);
  });
});
