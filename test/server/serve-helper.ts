/**
 * Runs `dnssec-stub serve` in-process (main's runServe with its own signal
 * emitter) on an ephemeral port of 127.0.0.1, and real DNS clients (dig,
 * kdig) against it, with their output read into flags, rcode and EDE.
 */
import { execFile } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { runServe, parseServe } from '../../src/cli/serve.js';

export interface RunningServe {
  readonly host: string;
  readonly port: number;
  stderr(): string;
  signal(name: 'SIGTERM' | 'SIGHUP' | 'SIGINT'): void;
  /** SIGTERM, then the exit status. */
  stop(): Promise<number>;
  readonly exited: Promise<number>;
}

export async function startServe(args: readonly string[]): Promise<RunningServe> {
  const cmd = parseServe(['--listen', '127.0.0.1:0', ...args]);
  if (cmd.command !== 'serve') throw new Error('help?');
  let err = '';
  const signals = new EventEmitter();
  const io = { stdout: { write: (t: string) => (err += t) }, stderr: { write: (t: string) => (err += t) }, env: {} };
  const exited = runServe(cmd, io, signals);
  const deadline = Date.now() + 10_000;
  for (;;) {
    const m = /ready on 127\.0\.0\.1:(\d+)/.exec(err);
    if (m) {
      const port = Number(m[1]);
      return {
        host: '127.0.0.1',
        port,
        stderr: () => err,
        signal: (name) => signals.emit(name),
        stop: async () => {
          signals.emit('SIGTERM');
          return exited;
        },
        exited,
      };
    }
    if (Date.now() > deadline) throw new Error(`serve did not start: ${err}`);
    const done = await Promise.race([exited, new Promise((r) => setTimeout(() => r(undefined), 20))]);
    if (done !== undefined) throw new Error(`serve exited ${String(done)}: ${err}`);
  }
}

export interface DigAnswer {
  readonly status: string;
  readonly flags: readonly string[];
  /** EDE info codes in the response. */
  readonly ede: readonly number[];
  readonly edeText: string;
  readonly answer: readonly string[];
  readonly raw: string;
}

export function run(cmd: string, args: readonly string[], timeoutMs = 20_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, [...args], { timeout: timeoutMs, encoding: 'utf8' }, (e, stdout, stderr) => {
      resolve({ code: e ? (typeof e.code === 'number' ? e.code : -1) : 0, stdout, stderr });
    });
  });
}

/** Reads dig's or kdig's text output. */
export function readDig(out: string): DigAnswer {
  const status = /status: ([A-Z0-9]+)/.exec(out)?.[1] ?? 'NONE';
  const flagText = /;; [Ff]lags: ([a-z ]*)[;]/.exec(out)?.[1] ?? '';
  const ede = [...out.matchAll(/EDE: (\d+)/g)].map((m) => Number(m[1]));
  const edeText = (/EDE: .*$/m.exec(out)?.[0] ?? '').trim();
  const lines = out.split('\n');
  const answer: string[] = [];
  let inAnswer = false;
  for (const l of lines) {
    if (/^;; ANSWER SECTION:/.test(l)) inAnswer = true;
    else if (inAnswer && (l.trim() === '' || l.startsWith(';;'))) inAnswer = false;
    else if (inAnswer) answer.push(l.replace(/\s+/g, ' ').trim());
  }
  return { status, flags: flagText.trim().split(/\s+/).filter(Boolean), ede, edeText, answer, raw: out };
}

export async function dig(s: { host: string; port: number }, qname: string, qtype: string, opts: readonly string[] = []): Promise<DigAnswer> {
  const r = await run('dig', [`@${s.host}`, '-p', String(s.port), qname, qtype, '+tries=1', '+time=10', ...opts]);
  return readDig(r.stdout);
}

export async function kdig(s: { host: string; port: number }, qname: string, qtype: string, opts: readonly string[] = []): Promise<DigAnswer> {
  const r = await run('kdig', [`@${s.host}`, '-p', String(s.port), qname, qtype, '+retry=0', '+time=10', ...opts]);
  return readDig(r.stdout);
}

/** Runs `fn` over `items`, at most `slots` at a time. */
export async function pool<T, R>(items: readonly T[], slots: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(slots, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}
