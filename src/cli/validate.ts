/**
 * `dnssec-stub validate NAME [TYPE]`: one question, over the network or
 * replayed from a fixture, printed as text or JSON.
 */
import { accessSync, constants } from 'node:fs';
import { AnchorFileError, DEFAULT_ROOT_ANCHORS_PATH, type TrustAnchor, loadTrustAnchorFile } from '../dnssec/anchors.js';
import { CaptureRecorder, type Fixture, FixtureError, FixtureSource, fixtureAnchors, readFixture, writeFixture } from '../fixtures/fixture.js';
import { createNetworkSource, type NetworkSource } from '../resolver/network-source.js';
import { typeFromText, typeToText } from '../wire/rrtype.js';
import { type ResponseSource, UpstreamError } from '../types.js';
import type { ValidationResult } from '../validator/result.js';
import { ValidationInputError, createValidator } from '../validator/validator.js';
import { UsageError, type ValidateCommand } from './args.js';
import { errorJson, formatText, formatTrace, toJson } from './format.js';
import { EXIT, type CliIo, errorLine, useColor } from './io.js';

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

function loadAnchors(cmd: ValidateCommand, fixture: Fixture | undefined, now: number): TrustAnchor[] {
  if (cmd.trustAnchorFile !== undefined) return asUsage(() => loadTrustAnchorFile(cmd.trustAnchorFile!, now));
  if (fixture) return asUsage(() => fixtureAnchors(fixture, cmd.fixtureFile));
  return asUsage(() => loadTrustAnchorFile(DEFAULT_ROOT_ANCHORS_PATH, now));
}

function question(cmd: ValidateCommand, fixture: Fixture | undefined): { name: string; type: string } {
  if (cmd.name !== undefined) return { name: cmd.name, type: cmd.type ?? 'A' };
  const q = fixture?.question;
  if (!q) throw new UsageError(`missing NAME (the fixture ${cmd.fixtureFile ?? ''} records no question)`);
  const type = typeFromText(q.type);
  if (type === undefined) throw new UsageError(`${cmd.fixtureFile ?? 'fixture'}: unknown question type ${JSON.stringify(q.type)}`);
  return { name: q.name, type: typeToText(type) };
}

export async function runValidate(cmd: ValidateCommand, io: CliIo): Promise<number> {
  const fixture = cmd.fixtureFile !== undefined ? asUsage(() => readFixture(cmd.fixtureFile!)) : undefined;
  const now = cmd.at ?? fixture?.time ?? Math.floor(Date.now() / 1000);
  const q = question(cmd, fixture);
  const anchors = loadAnchors(cmd, fixture, now);
  const capture = cmd.captureFile !== undefined ? new CaptureRecorder() : undefined;

  let source: ResponseSource;
  let network: NetworkSource | undefined;
  if (fixture) {
    source = asUsage(() => new FixtureSource(fixture, cmd.fixtureFile));
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
      throw new UsageError(errorLine(e));
    }
    source = network;
  }

  const color = useColor(io, cmd.noColor);
  let code: number;
  try {
    const validator = createValidator({ source, trustAnchors: anchors, clock: () => now });
    const result = await validator.validate(q.name, q.type);
    if (cmd.trace) io.stderr.write(formatTrace(result, now, { color: false }));
    io.stdout.write(cmd.json ? JSON.stringify(toJson(result)) + '\n' : formatText(result, { color }));
    code = exitCodeOf(result);
  } catch (e) {
    if (e instanceof ValidationInputError) throw new UsageError(errorLine(e));
    if (!(e instanceof UpstreamError)) throw e;
    io.stderr.write(`dnssec-stub: no answer: ${errorLine(e)}\n`);
    if (cmd.json) io.stdout.write(errorJson(q.name, q.type, errorLine(e)));
    code = EXIT.NO_ANSWER;
  } finally {
    await network?.close();
  }

  if (capture && cmd.captureFile !== undefined) {
    try {
      writeFixture(cmd.captureFile, capture.toFixture({ time: now, anchors, question: q }));
    } catch (e) {
      io.stderr.write(`dnssec-stub: cannot write the capture: ${errorLine(e)}\n`);
      return EXIT.USAGE;
    }
  }
  return code;
}
