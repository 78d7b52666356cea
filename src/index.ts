/**
 * dnssec-stub: a self-contained DNSSEC-validating stub resolver.
 * Public API: named exports only.
 */
export type { Status, Reason, ReasonKind, ResponseSource, QueryOptions } from './types.js';
export { EDE, UpstreamError } from './types.js';
export { ConfigError } from './errors.js';

export { Validator, createValidator, ValidationInputError, type ValidatorOptions, type ValidateOptions } from './validator/validator.js';
export { DEFAULT_DEADLINE_MS } from './validator/deadline.js';
export type { ValidationResult, ValidatedRecord, ChainStep, TraceDs, TraceKey, TraceSignature } from './validator/result.js';
export type { Typed, MxRecord, TlsaRecord, TxtRecord } from './validator/typed.js';
export * as limits from './dnssec/limits.js';

export {
  type TrustAnchor,
  AnchorFileError,
  loadTrustAnchorFile,
  parseAnchorText,
  parseRootAnchorsXml,
  DEFAULT_ROOT_ANCHORS_PATH,
} from './dnssec/anchors.js';

export {
  type Fixture,
  type FixtureExchange,
  FixtureError,
  FixtureSource,
  CaptureRecorder,
  readFixture,
  writeFixture,
  fixtureAnchors,
} from './fixtures/fixture.js';

export { type Name, nameFromText, nameToText } from './wire/name.js';
export { type Message, type RR, parseMessage, encodeQuery } from './wire/message.js';
export { verifySignature, dsDigest, nsec3Hash, setDefaultBackend, pureCryptoReady, type CryptoOptions, type Backend } from './crypto/index.js';

export { createUpstream, type Upstream, type UpstreamOptions, type UpstreamQueryOptions, type UpstreamQuestion } from './resolver/upstream.js';
export type { TryEvent } from './resolver/tries.js';
export { TransportError, type ServerAddress, type Protocol, type Transport } from './resolver/transport.js';
export {
  createNetworkSource,
  type NetworkSource,
  type NetworkSourceOptions,
} from './resolver/network-source.js';
export { ResponseCache, createResponseCache, cacheableTtl, type ResponseCacheOptions } from './resolver/cache.js';

export { checkMail, type CheckMailOptions } from './mail/check-mail.js';
export { decideHost, type HostFacts, type DaneDecision, type TlsaCandidate } from './mail/dane.js';
export { judgeTlsa } from './mail/tlsa-usable.js';
export type {
  MailReport,
  MailStatus,
  MxReport,
  HostReport,
  DaneVerdict,
  TlsaJudged,
  Lookup,
  LookupStatus,
  SpfReport,
  DmarcReport,
  MtaStsReport,
  TlsRptReport,
  DkimReport,
} from './mail/types.js';
