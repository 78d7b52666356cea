/**
 * What every command that validates shares (validate, validate --from,
 * mail): the validation time, the trust anchors, the response source
 * (network with an optional capture, or a fixture replay) and one validator
 * for the whole run. Everything the user named is checked here before any
 * query: a bad file or option is a usage error (64), an unwritable capture
 * path an I/O error (74).
 */
import { accessSync, constants, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { AnchorFileError, type TrustAnchor, loadTrustAnchorFile } from '../dnssec/anchors.js';
import { ConfigError } from '../errors.js';
import { CaptureRecorder, type Fixture, FixtureError, FixtureSource, fixtureAnchors, readFixture, writeFixture } from '../fixtures/fixture.js';
import type { NetworkSource } from '../resolver/network-source.js';
import type { ResponseSource } from '../types.js';
import { DEFAULT_DEADLINE_MS } from '../validator/deadline.js';
import { ValidationInputError, type Validator, createValidator } from '../validator/validator.js';
import { checkCaFile, readAnchorFiles } from './user-files.js';
import type { SessionOptions } from './args.js';
import { IoError, UsageError, errorLine } from './io.js';

export interface Session {
  readonly now: number;
  readonly anchors: readonly TrustAnchor[];
  readonly fixture: Fixture | undefined;
  readonly validator: Validator;
  readonly network: NetworkSource | undefined;
  readonly capture: CaptureRecorder | undefined;
  /**
   * Closes the network, then writes the capture (when asked for) with
   * `extra` fields beside the exchanges. Returns the I/O error line when the
   * capture could not be written, else undefined.
   */
  finish(extra?: Partial<Fixture> & Record<string, unknown>): Promise<string | undefined>;
}

/** Errors about files the user named (anchors, fixtures) are usage errors: fix the command line. */
export function asUsage<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof AnchorFileError || e instanceof FixtureError || e instanceof ValidationInputError) throw new UsageError(errorLine(e));
    throw e;
  }
}

/**
 * A fixture the user named: anything wrong with reading or decoding it (bad
 * JSON, a garbled hand-written response, a malformed name or record) is a
 * usage error naming the file (and the line, where the parser knows it).
 */
export function fromFixtureFile<T>(file: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (!(e instanceof Error)) throw e;
    const line = errorLine(e);
    throw new UsageError(line.includes(file) ? line : `${file}: ${line}`);
  }
}

/** Every --trust-anchor file, merged in order; else the fixture's own anchors; else the shipped root anchors. */
function loadAnchors(opts: SessionOptions, fixture: Fixture | undefined, now: number): TrustAnchor[] {
  if (fixture && opts.trustAnchorFiles.length === 0) return fromFixtureFile(opts.fixtureFile!, () => fixtureAnchors(fixture, opts.fixtureFile));
  return readAnchorFiles(opts.trustAnchorFiles, (file) => asUsage(() => loadTrustAnchorFile(file, now)));
}

/**
 * --capture FILE must be writable before any query is sent: a capture that
 * cannot be written after the work is done is work thrown away.
 */
function checkCapturePath(file: string): void {
  let exists = true;
  try {
    if (statSync(file).isDirectory()) throw new IoError(`--capture ${file}: is a directory`);
  } catch (e) {
    if (e instanceof IoError) throw e;
    exists = false;
  }
  try {
    accessSync(exists ? file : dirname(file), constants.W_OK);
  } catch (e) {
    throw new IoError(`--capture ${file}: cannot write: ${errorLine(e)}`);
  }
}

async function openNetwork(opts: SessionOptions, capture: CaptureRecorder | undefined): Promise<NetworkSource> {
  checkCaFile(opts.caFile);
  // The transports (node:dgram, node:tls, node:http2 ...) are loaded only when the network is used (start-up: bench:cli).
  const { createNetworkSource } = await import('../resolver/network-source.js');
  try {
    return createNetworkSource({
      servers: opts.servers === 'system' ? 'system' : [...opts.servers],
      protocol: opts.protocol,
      ...(opts.tlsServerName !== undefined ? { tlsServerName: opts.tlsServerName } : {}),
      ...(opts.httpsUrl !== undefined ? { httpsUrl: opts.httpsUrl } : {}),
      ...(opts.caFile !== undefined ? { caFile: opts.caFile } : {}),
      ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
      ...(capture ? { capture } : {}),
    });
  } catch (e) {
    // Options the transports reject (an unreadable --ca, a bad URL): the command line is wrong.
    // An UpstreamError (an unreadable resolv.conf) is no answer: the caller reports it (exit 3).
    if (e instanceof ConfigError) throw new UsageError(errorLine(e));
    throw e;
  }
}

/** Validated results kept for a run of many names (a mail report asks about 8 questions per domain). */
export const RUN_RESULT_CACHE = 50_000;

export interface SessionTuning {
  /** Validated results kept for the run (a mail report asks about 8 questions per domain). */
  readonly resultCacheSize?: number;
}

/** Opens the run's source and validator. Throws UsageError, IoError, or UpstreamError (no resolver to ask). */
export async function openSession(opts: SessionOptions, tuning: SessionTuning = {}): Promise<Session> {
  const fixture = opts.fixtureFile !== undefined ? fromFixtureFile(opts.fixtureFile, () => readFixture(opts.fixtureFile!)) : undefined;
  const now = opts.at ?? fixture?.time ?? Math.floor(Date.now() / 1000);
  const anchors = loadAnchors(opts, fixture, now);
  if (opts.captureFile !== undefined) checkCapturePath(opts.captureFile);
  const capture = opts.captureFile !== undefined ? new CaptureRecorder() : undefined;
  const network = fixture ? undefined : await openNetwork(opts, capture);
  const source: ResponseSource = network ?? fromFixtureFile(opts.fixtureFile!, () => new FixtureSource(fixture!, opts.fixtureFile));
  // A --timeout longer than the default deadline allows: two tries of it.
  const deadlineMs = opts.timeoutMs !== undefined ? Math.max(DEFAULT_DEADLINE_MS, 2 * opts.timeoutMs) : DEFAULT_DEADLINE_MS;
  const validator = createValidator({
    source,
    trustAnchors: anchors,
    clock: () => now,
    deadlineMs,
    ...(tuning.resultCacheSize !== undefined ? { resultCacheSize: tuning.resultCacheSize } : {}),
  });
  return {
    now,
    anchors,
    fixture,
    validator,
    network,
    capture,
    async finish(extra = {}) {
      await network?.close();
      if (!capture || opts.captureFile === undefined) return undefined;
      try {
        writeFixture(opts.captureFile, { ...capture.toFixture({ time: now, anchors }), ...extra } as Fixture);
      } catch (e) {
        return `cannot write the capture: ${errorLine(e)}`;
      }
      return undefined;
    },
  };
}
