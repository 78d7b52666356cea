/**
 * What `mail` and the `--from` runs share with `validate`: the validation
 * time, the trust anchors, the response source (network with an optional
 * capture, or a fixture replay) and one validator for the whole run.
 */
import { accessSync, constants } from 'node:fs';
import { AnchorFileError, DEFAULT_ROOT_ANCHORS_PATH, type TrustAnchor, loadTrustAnchorFile } from '../dnssec/anchors.js';
import { CaptureRecorder, type Fixture, FixtureError, FixtureSource, fixtureAnchors, readFixture, writeFixture } from '../fixtures/fixture.js';
import { createNetworkSource, type NetworkSource } from '../resolver/network-source.js';
import type { Protocol, ServerAddress } from '../resolver/transport.js';
import type { ResponseSource } from '../validator/context.js';
import { ValidationInputError, type Validator, createValidator } from '../validator/validator.js';
import { UsageError } from './args.js';
import { errorLine } from './io.js';

/** The network, anchor, time and fixture options of `validate` (ValidateCommand has them all). */
export interface SessionOptions {
  readonly servers: readonly ServerAddress[] | 'system';
  readonly protocol: Protocol;
  readonly tlsServerName: string | undefined;
  readonly httpsUrl: string | undefined;
  readonly caFile: string | undefined;
  readonly timeoutMs: number | undefined;
  readonly trustAnchorFile: string | undefined;
  readonly at: number | undefined;
  readonly captureFile: string | undefined;
  readonly fixtureFile: string | undefined;
}

export interface Session {
  readonly now: number;
  readonly anchors: readonly TrustAnchor[];
  readonly fixture: Fixture | undefined;
  readonly validator: Validator;
  readonly network: NetworkSource | undefined;
  readonly capture: CaptureRecorder | undefined;
  /** Writes the capture (when asked for) with `extra` fields, then closes the network. Returns a usage error line or undefined. */
  finish(extra?: Record<string, unknown>): Promise<string | undefined>;
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

/** Validated results kept for a whole run (a report asks about 8 questions per domain). */
const RUN_RESULT_CACHE = 50_000;

export function openSession(opts: SessionOptions): Session {
  const fixture = opts.fixtureFile !== undefined ? asUsage(() => readFixture(opts.fixtureFile!)) : undefined;
  const now = opts.at ?? fixture?.time ?? Math.floor(Date.now() / 1000);
  const anchors =
    opts.trustAnchorFile !== undefined
      ? asUsage(() => loadTrustAnchorFile(opts.trustAnchorFile!, now))
      : fixture
        ? asUsage(() => fixtureAnchors(fixture, opts.fixtureFile))
        : asUsage(() => loadTrustAnchorFile(DEFAULT_ROOT_ANCHORS_PATH, now));
  const capture = opts.captureFile !== undefined ? new CaptureRecorder() : undefined;
  let source: ResponseSource;
  let network: NetworkSource | undefined;
  if (fixture) {
    source = asUsage(() => new FixtureSource(fixture, opts.fixtureFile));
  } else {
    if (opts.caFile !== undefined) {
      try {
        accessSync(opts.caFile, constants.R_OK);
      } catch (e) {
        throw new UsageError(`--ca ${opts.caFile}: cannot read: ${errorLine(e)}`);
      }
    }
    try {
      network = createNetworkSource({
        servers: opts.servers === 'system' ? 'system' : [...opts.servers],
        protocol: opts.protocol,
        ...(opts.tlsServerName !== undefined ? { tlsServerName: opts.tlsServerName } : {}),
        ...(opts.httpsUrl !== undefined ? { httpsUrl: opts.httpsUrl } : {}),
        ...(opts.caFile !== undefined ? { caFile: opts.caFile } : {}),
        ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
        ...(capture ? { capture } : {}),
      });
    } catch (e) {
      throw new UsageError(errorLine(e));
    }
    source = network;
  }
  const validator = createValidator({ source, trustAnchors: anchors, clock: () => now, resultCacheSize: RUN_RESULT_CACHE });
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
