/**
 * Standard output for the bin, written with fs.writeSync on file descriptor 1.
 *
 * Why: `process.stdout` is built on first use, and building it loads node:stream (and node:net for a pipe or a
 * terminal): about 10 ms of a command's start-up (`npm run bench:cli`), more than the whole validation of a fixture.
 * Writing to the descriptor needs only node:fs, which Node has loaded already.
 *
 * Same behaviour as the stream: every write is complete before the next one starts (Node's stdout is synchronous for
 * files, pipes and terminals on POSIX). A descriptor in non-blocking mode (set by whoever shares it) can refuse a write
 * with EAGAIN: then the rest of that write and every later one go to `process.stdout`, which waits for the pipe. Any
 * other error (ENOSPC, EPIPE) goes to `onError` with its code, as the stream's 'error' event would.
 */
import { fstatSync, writeSync } from 'node:fs';
import { type CliIo, EXIT, errorLine } from './io.js';

/** What the bin gives the CLI as stdout. */
export interface FdWriter {
  write(text: string): boolean;
}

/** The descriptor and the stream to fall back to; `onError` gets the error code (e.g. 'EPIPE'). */
export function fdWriter(fd: number, stream: () => { write(chunk: Uint8Array): unknown }, onError: (code: string) => void): FdWriter {
  let viaStream = false;
  return {
    write(text: string): boolean {
      if (viaStream) {
        stream().write(Buffer.from(text, 'utf8'));
        return true;
      }
      const bytes = Buffer.from(text, 'utf8');
      let offset = 0;
      while (offset < bytes.length) {
        try {
          offset += writeSync(fd, bytes, offset, bytes.length - offset);
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
          if (code === 'EAGAIN') {
            viaStream = true;
            stream().write(bytes.subarray(offset));
            return true;
          }
          onError(code);
          return false;
        }
      }
      return true;
    },
  };
}

/**
 * Whether `fd` is a terminal, without loading node:tty (and node:net under it) when the answer is plain: a pipe,
 * a file or a socket is not a terminal. Character devices (a terminal, /dev/null) ask node:tty.
 */
export function isTerminal(fd: number): boolean {
  try {
    const st = fstatSync(fd);
    if (!st.isCharacterDevice()) return false;
    // Linux character major 1 is the memory devices (/dev/null, /dev/zero, /dev/full: Documentation/admin-guide/
    // devices.txt), never a terminal: `dnssec-stub ... >/dev/null` needs no node:tty either.
    // glibc's gnu_dev_major: bits 8-19 and 44-63.
    const major = (Math.floor(st.rdev / 2 ** 8) & 0xfff) | (Math.floor(st.rdev / 2 ** 32) & ~0xfff);
    if (process.platform === 'linux' && major === 1) return false;
    return (process.getBuiltinModule('node:tty') as typeof import('node:tty')).isatty(fd);
  } catch {
    return false;
  }
}

/**
 * The CliIo of this process, as the bin uses it: stdout through its descriptor; stderr the stream, built when first
 * used (errors, --trace, the bulk progress line); isTTY asked when colour is decided. A full disk (ENOSPC) or a
 * closed pipe (EPIPE, `| head`) on stdout is an I/O error: one line, exit 74, no trace.
 */
export function processIo(): CliIo {
  const stdoutFailed = (code: string): void => {
    process.stderr.write(`dnssec-stub: cannot write to standard output: ${code}\n`);
    process.exit(EXIT.IO);
  };
  const stdoutStream = (): NodeJS.WriteStream => {
    if (process.stdout.listenerCount('error') === 0) process.stdout.on('error', (e: NodeJS.ErrnoException) => stdoutFailed(e.code ?? errorLine(e)));
    return process.stdout;
  };
  return {
    stdout: fdWriter(1, stdoutStream, stdoutFailed),
    get stderr() {
      return process.stderr;
    },
    get isTTY() {
      return isTerminal(1);
    },
    env: process.env,
  };
}
