/**
 * `dnssec-stub validate NAME [TYPE]`: one question, over the network or
 * replayed from a fixture, printed as text or JSON.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { AnchorFileError, DEFAULT_ROOT_ANCHORS_PATH, type TrustAnchor, loadTrustAnchorFile } from '../dnssec/anchors.js';
import { ConfigError } from '../errors.js';
import { CaptureRecorder, type Fixture, FixtureError, FixtureSource, fixtureAnchors, readFixture, writeFixture } from '../fixtures/fixture.js';
import { createNetworkSource, type NetworkSource } from '../resolver/network-source.js';
import { type ResponseSource, UpstreamError } from '../types.js';
import type { ValidationResult } from '../validator/result.js';
import { ValidationInputError, createValidator } from '../validator/validator.js';
import type { ValidateCommand } from './args.js';
import { errorJson, formatText, formatTrace, toJson } from './format.js';
import { EXIT, type CliIo, IoError, UsageError, errorLine, useColor } from './io.js';
import { parseName, parseType } from './question.js';

export function exitCodeOf(result: ValidationResult): number {
  switch (result.status) {
    case 'secure':
      return EXIT.SECURE;
    case 'insecure':
      return EXIT.INSECURE;
    case 'bogus':
      return EXIT.BOGUS;
  }
}

/** Errors about files the user named (anchors, fixtures) are usage errors: fix the command line. */
function asUsage<T>(fn: () => T): T {
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
function fromFixtureFile<T>(file: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (!(e instanceof Error)) throw e;
    const line = errorLine(e);
    throw new UsageError(line.includes(file) ? line : `${file}: ${line}`);
  }
}

/** Every --trust-anchor file, merged in order; else the fixture's own anchors; else the shipped root anchors. */
function loadAnchors(cmd: ValidateCommand, fixture: Fixture | undefined, now: number): TrustAnchor[] {
  if (cmd.trustAnchorFiles.length > 0) {
    const files = [...new Set(cmd.trustAnchorFiles)];
    return files.flatMap((file) => asUsage(() => loadTrustAnchorFile(file, now)));
  }
  if (fixture) return fromFixtureFile(cmd.fixtureFile!, () => fixtureAnchors(fixture, cmd.fixtureFile));
  return asUsage(() => loadTrustAnchorFile(DEFAULT_ROOT_ANCHORS_PATH, now));
}

function question(cmd: ValidateCommand, fixture: Fixture | undefined): { name: string; type: string } {
  if (cmd.name !== undefined) return { name: cmd.name, type: cmd.type ?? 'A' };
  const q = fixture?.question;
  const file = cmd.fixtureFile ?? 'fixture';
  if (!q || typeof q.name !== 'string' || typeof q.type !== 'string') throw new UsageError(`missing NAME (the fixture ${file} records no question)`);
  return { name: parseName(q.name), type: parseType(q.type, `${file}: question: `) };
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

/** stdout as the command writes it: a write that fails is an I/O error (exit 74), not an internal one. */
function writeOut(io: CliIo, text: string): void {
  try {
    io.stdout.write(text);
  } catch (e) {
    throw new IoError(`cannot write to standard output: ${errorLine(e)}`);
  }
}

/** No answer at all (exit 3): one line on stderr, and with --json the error object on stdout. */
function noAnswer(io: CliIo, cmd: ValidateCommand, q: { name: string; type: string }, e: UpstreamError): number {
  io.stderr.write(`dnssec-stub: no answer: ${errorLine(e)}\n`);
  if (cmd.json) writeOut(io, errorJson(q.name, q.type, errorLine(e)));
  return EXIT.NO_ANSWER;
}

export async function runValidate(cmd: ValidateCommand, io: CliIo): Promise<number> {
  const fixture = cmd.fixtureFile !== undefined ? fromFixtureFile(cmd.fixtureFile, () => readFixture(cmd.fixtureFile!)) : undefined;
  const now = cmd.at ?? fixture?.time ?? Math.floor(Date.now() / 1000);
  const q = question(cmd, fixture);
  const anchors = loadAnchors(cmd, fixture, now);
  if (cmd.captureFile !== undefined) checkCapturePath(cmd.captureFile);
  const capture = cmd.captureFile !== undefined ? new CaptureRecorder() : undefined;

  let source: ResponseSource;
  let network: NetworkSource | undefined;
  if (fixture) {
    source = fromFixtureFile(cmd.fixtureFile!, () => new FixtureSource(fixture, cmd.fixtureFile));
  } else {
    if (cmd.caFile !== undefined) {
      // The transports read the CA file only when connecting: check it now, as a usage error.
      try {
        accessSync(cmd.caFile, constants.R_OK);
      } catch (e) {
        throw new UsageError(`--ca ${cmd.caFile}: cannot read: ${errorLine(e)}`);
      }
    }
    try {
      network = createNetworkSource({
        servers: cmd.servers === 'system' ? 'system' : [...cmd.servers],
        protocol: cmd.protocol,
        ...(cmd.tlsServerName !== undefined ? { tlsServerName: cmd.tlsServerName } : {}),
        ...(cmd.httpsUrl !== undefined ? { httpsUrl: cmd.httpsUrl } : {}),
        ...(cmd.caFile !== undefined ? { caFile: cmd.caFile } : {}),
        ...(cmd.timeoutMs !== undefined ? { timeoutMs: cmd.timeoutMs } : {}),
        ...(capture ? { capture } : {}),
      });
    } catch (e) {
      // Options the transports reject (an unreadable --ca, a bad URL): the command line is wrong.
      if (e instanceof ConfigError) throw new UsageError(errorLine(e));
      if (e instanceof UpstreamError) return noAnswer(io, cmd, q, e); // e.g. an unreadable resolv.conf
      throw e;
    }
    source = network;
  }

  const color = useColor(io, cmd.noColor);
  let code: number;
  try {
    const validator = createValidator({ source, trustAnchors: anchors, clock: () => now });
    const result = await validator.validate(q.name, q.type);
    if (cmd.trace) io.stderr.write(formatTrace(result, now, { color: false }));
    writeOut(io, cmd.json ? JSON.stringify(toJson(result)) + '\n' : formatText(result, { color }));
    code = exitCodeOf(result);
  } catch (e) {
    if (e instanceof ValidationInputError) throw new UsageError(errorLine(e));
    if (!(e instanceof UpstreamError)) throw e;
    code = noAnswer(io, cmd, q, e);
  } finally {
    await network?.close();
  }

  if (capture && cmd.captureFile !== undefined) {
    try {
      writeFixture(cmd.captureFile, capture.toFixture({ time: now, anchors, question: q }));
    } catch (e) {
      io.stderr.write(`dnssec-stub: cannot write the capture: ${errorLine(e)}\n`);
      return EXIT.IO;
    }
  }
  return code;
}
