/**
 * `--from FILE|-` for `validate` and `mail`: one entry per line, worked on
 * N at a time with one validator (one cache) for the run.
 *
 * - Output in input order (JSON Lines with --json), whatever order the
 *   entries finish in.
 * - A failing entry is a result with status "error" and its reason; it
 *   never stops the run.
 * - On a terminal, a progress line on stderr: done/total, rate, ETA.
 * - At the end a summary on stderr: counts by status.
 * - Ctrl-C (SIGINT): stop starting entries, print what is done (in input
 *   order, with gaps), the summary, exit 130.
 */
import { readFileSync } from 'node:fs';
import { UsageError } from './args.js';
import { type CliIo, EXIT, errorLine } from './io.js';

/** What a --from run may get besides CliIo (tests give them; the bin uses the process). */
export interface BulkIo extends CliIo {
  /** Where `--from -` reads; default process.stdin. */
  readonly stdin?: AsyncIterable<string | Uint8Array>;
  /** Aborting it is Ctrl-C; default: the process's SIGINT. */
  readonly signal?: AbortSignal;
  /** Whether stderr is a terminal (the progress line); default: process.stderr.isTTY when writing there. */
  readonly stderrIsTTY?: boolean;
}

export interface BulkResult {
  readonly status: string;
  /** The JSON Lines object. */
  readonly json: unknown;
  /** The text output (newline-terminated). */
  readonly text: string;
}

export interface BulkJob {
  readonly entries: readonly string[];
  readonly concurrency: number;
  readonly json: boolean;
  /** Works one entry; a rejection becomes errorResult(entry, message). */
  readonly work: (entry: string) => Promise<BulkResult>;
  readonly errorResult: (entry: string, message: string) => BulkResult;
}

export const EXIT_INTERRUPTED = 130;
/** Lines read from a --from input at most (a bound on memory, not a limit anyone should meet). */
export const MAX_ENTRIES = 1_000_000;
const PROGRESS_EVERY_MS = 250;

const EXIT_OF: Readonly<Record<string, number>> = { secure: EXIT.SECURE, insecure: EXIT.INSECURE, bogus: EXIT.BOGUS, error: EXIT.NO_ANSWER };

/** Non-empty lines without `#` comments. */
export function entriesOf(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/#.*$/, '').trim();
    if (line !== '') out.push(line);
    if (out.length > MAX_ENTRIES) throw new UsageError(`--from: more than ${MAX_ENTRIES} lines`);
  }
  return out;
}

/** Reads the --from input: a file, or stdin for "-". */
export async function readEntries(from: string, io: BulkIo): Promise<string[]> {
  if (from !== '-') {
    try {
      return entriesOf(readFileSync(from, 'utf8'));
    } catch (e) {
      if (e instanceof UsageError) throw e;
      throw new UsageError(`--from ${from}: cannot read: ${errorLine(e)}`);
    }
  }
  const input = io.stdin ?? process.stdin;
  const chunks: string[] = [];
  const decoder = new TextDecoder();
  for await (const c of input) chunks.push(typeof c === 'string' ? c : decoder.decode(c, { stream: true }));
  return entriesOf(chunks.join('') + decoder.decode());
}

function seconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  return s < 60 ? `${s.toFixed(0)}s` : `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
}

/** Runs the job; resolves to the exit status (the highest of the results', or 130 when interrupted). */
export async function runBulk(job: BulkJob, io: BulkIo): Promise<number> {
  const total = job.entries.length;
  const results: (BulkResult | undefined)[] = new Array<BulkResult | undefined>(total);
  const start = Date.now();
  const tty = io.stderrIsTTY ?? (io.stderr === process.stderr && process.stderr.isTTY === true);
  let printed = 0;
  let done = 0;
  let next = 0;
  let interrupted = false;

  const write = (r: BulkResult): void => {
    io.stdout.write(job.json ? `${JSON.stringify(r.json)}\n` : r.text);
  };
  const clearProgress = (): void => {
    if (tty) io.stderr.write('\r\x1b[K');
  };
  const progress = (): void => {
    if (!tty) return;
    const elapsed = (Date.now() - start) / 1000;
    const rate = elapsed > 0 ? done / elapsed : 0;
    const eta = rate > 0 ? (total - done) / rate : Infinity;
    io.stderr.write(`\r\x1b[K;; ${done}/${total} done, ${rate.toFixed(1)}/s, ETA ${seconds(eta)}`);
  };
  const flush = (): void => {
    let wrote = false;
    while (printed < total && results[printed] !== undefined) {
      if (!wrote) clearProgress();
      wrote = true;
      write(results[printed]!);
      printed++;
    }
    if (wrote) progress();
  };

  let stop: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  const onInterrupt = (): void => {
    interrupted = true;
    stop();
  };
  const signal = io.signal;
  if (signal) {
    if (signal.aborted) onInterrupt();
    else signal.addEventListener('abort', onInterrupt, { once: true });
  } else process.on('SIGINT', onInterrupt);
  const timer = tty ? setInterval(progress, PROGRESS_EVERY_MS) : undefined;
  timer?.unref();

  const worker = async (): Promise<void> => {
    while (!interrupted && next < total) {
      const i = next++;
      const entry = job.entries[i]!;
      let r: BulkResult;
      try {
        r = await job.work(entry);
      } catch (e) {
        r = job.errorResult(entry, errorLine(e));
      }
      if (interrupted) return;
      results[i] = r;
      done++;
      flush();
    }
  };
  try {
    progress();
    const workers = Array.from({ length: Math.min(job.concurrency, total) }, () => worker());
    await Promise.race([Promise.all(workers), stopped]);
  } finally {
    if (timer) clearInterval(timer);
    if (signal) signal.removeEventListener('abort', onInterrupt);
    else process.off('SIGINT', onInterrupt);
  }

  clearProgress();
  // Interrupted: what is done after a gap, still in input order.
  for (let i = printed; i < total; i++) if (results[i] !== undefined) write(results[i]!);
  const counts = new Map<string, number>();
  for (const r of results) if (r) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  const elapsed = (Date.now() - start) / 1000;
  const byStatus = [...counts].sort((a, b) => (EXIT_OF[a[0]] ?? 9) - (EXIT_OF[b[0]] ?? 9)).map(([s, n]) => `${n} ${s}`);
  const head = interrupted ? `;; interrupted: ${done} of ${total} done` : `;; ${total} name${total === 1 ? '' : 's'}`;
  io.stderr.write(`${head} in ${elapsed.toFixed(1)} s (${(elapsed > 0 ? done / elapsed : 0).toFixed(1)}/s)${byStatus.length ? `: ${byStatus.join(', ')}` : ''}\n`);
  if (interrupted) return EXIT_INTERRUPTED;
  let code = 0;
  for (const r of results) code = Math.max(code, r ? (EXIT_OF[r.status] ?? EXIT.NO_ANSWER) : EXIT.NO_ANSWER);
  return code;
}
