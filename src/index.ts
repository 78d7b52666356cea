/**
 * dnssec-stub: a self-contained DNSSEC-validating stub resolver.
 * Public API: named exports only.
 */
export type { Status, Reason, ReasonKind, ResponseSource } from './types.js';
export { EDE, UpstreamError } from './types.js';

export { Validator, createValidator, ValidationInputError, type ValidatorOptions } from './validator/validator.js';
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
export { verifySignature, dsDigest, nsec3Hash, setDefaultBackend, type CryptoOptions, type Backend } from './crypto/index.js';

export { createUpstream, type UpstreamOptions } from './resolver/upstream.js';
export { TransportError, type ServerAddress, type Protocol, type Transport } from './resolver/transport.js';
export {
  createNetworkSource,
  type NetworkSource,
  type NetworkSourceOptions,
} from './resolver/network-source.js';
export { ResponseCache, createResponseCache, cacheableTtl, type ResponseCacheOptions } from './resolver/cache.js';
