/**
 * src/cli/stdio.ts: the bin's stdout written to its descriptor (no node:stream at start-up), with the stream as the
 * fallback when the descriptor is non-blocking and full, and the terminal check that colour depends on.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fdWriter, isTerminal } from '../../src/cli/stdio.js';
import { type CliIo, useColor } from '../../src/cli/io.js';

const dir = mkdtempSync(join(tmpdir(), 'dnssec-stub-stdio-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const noStream = (): never => {
  throw new Error('the stream was not to be used');
};

describe('fdWriter', () => {
  it('writes every byte, in order, UTF-8 included, to the descriptor', () => {
    const file = join(dir, 'out.txt');
    const fd = openSync(file, 'w');
    const errors: string[] = [];
    const w = fdWriter(fd, noStream, (code) => errors.push(code));
    try {
      expect(w.write('bücher.lab.\t300\n')).toBe(true);
      w.write('x'.repeat(200_000));
      w.write('\n; fully validated\n');
    } finally {
      closeSync(fd);
    }
    expect(errors).toEqual([]);
    expect(readFileSync(file, 'utf8')).toBe(`bücher.lab.\t300\n${'x'.repeat(200_000)}\n; fully validated\n`);
  });

  it('a full disk (/dev/full) goes to onError with its code, ENOSPC', () => {
    const fd = openSync('/dev/full', 'w');
    const errors: string[] = [];
    try {
      expect(fdWriter(fd, noStream, (code) => errors.push(code)).write('text\n')).toBe(false);
    } finally {
      closeSync(fd);
    }
    expect(errors).toEqual(['ENOSPC']);
  });

  it('a non-blocking pipe that is full (EAGAIN): the rest and every later write go through the stream, nothing lost or reordered', async () => {
    // The reader sleeps first, so the pipe (64 KiB) fills; the writing end Node made is non-blocking.
    const child = spawn('sh', ['-c', 'sleep 1; exec cat'], { stdio: ['pipe', 'pipe', 'ignore'] });
    const fd = (child.stdin as unknown as { _handle: { fd: number } })._handle.fd;
    expect(fd).toBeGreaterThan(2);
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    let streamed = 0;
    const stream = (): { write(chunk: Uint8Array): unknown } => ({
      write(chunk: Uint8Array) {
        streamed++;
        return child.stdin.write(chunk);
      },
    });
    const errors: string[] = [];
    const w = fdWriter(fd, stream, (code) => errors.push(code));
    const parts = Array.from({ length: 40 }, (_, i) => `${String(i).padStart(2, '0')}:${'é'.repeat(3000)}\n`);
    for (const p of parts) w.write(p);
    child.stdin.end();
    await new Promise((resolve) => child.on('close', resolve));
    expect(errors).toEqual([]);
    expect(streamed).toBeGreaterThan(0);
    expect(out).toBe(parts.join(''));
  });
});

describe('isTerminal', () => {
  it('a file, a pipe and /dev/null are not terminals', async () => {
    const file = openSync(join(dir, 'f.txt'), 'w');
    const devNull = openSync('/dev/null', 'w');
    const child = spawn('cat', [], { stdio: ['pipe', 'ignore', 'ignore'] });
    const pipeFd = (child.stdin as unknown as { _handle: { fd: number } })._handle.fd;
    try {
      expect([isTerminal(file), isTerminal(devNull), isTerminal(pipeFd)]).toEqual([false, false, false]);
    } finally {
      closeSync(file);
      closeSync(devNull);
      child.stdin.end();
      await new Promise((resolve) => child.on('close', resolve));
    }
  });

  it('a pseudo-terminal (/dev/ptmx) is one; a closed descriptor is not', () => {
    const pty = openSync('/dev/ptmx', 'r+');
    try {
      expect(isTerminal(pty)).toBe(true);
    } finally {
      closeSync(pty);
    }
    expect(isTerminal(pty)).toBe(false);
  });
});

describe('useColor (https://no-color.org)', () => {
  /** A CliIo whose isTTY answer is counted: asking it is an fstat of stdout. */
  function io(tty: boolean, env: Record<string, string | undefined>): { io: CliIo; asked: () => number } {
    let asked = 0;
    return {
      io: {
        stdout: { write: () => true },
        stderr: { write: () => true },
        get isTTY() {
          asked++;
          return tty;
        },
        env,
      },
      asked: () => asked,
    };
  }

  it('colour only on a terminal with neither --no-color nor a non-empty NO_COLOR', () => {
    expect(useColor(io(true, {}).io, false)).toBe(true);
    expect(useColor(io(true, { NO_COLOR: '' }).io, false)).toBe(true);
    expect(useColor(io(false, {}).io, false)).toBe(false);
    expect(useColor(io(true, { NO_COLOR: '1' }).io, false)).toBe(false);
    expect(useColor(io(true, {}).io, true)).toBe(false);
  });

  it('--no-color or NO_COLOR settles it without asking whether stdout is a terminal', () => {
    const a = io(true, { NO_COLOR: '1' });
    const b = io(true, {});
    useColor(a.io, false);
    useColor(b.io, true);
    expect([a.asked(), b.asked()]).toEqual([0, 0]);
  });
});
