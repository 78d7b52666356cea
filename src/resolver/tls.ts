/**
 * DNS over TLS (RFC 7858), default port 853 (§3.1), with the framing,
 * connection reuse and pipelining of tcp.ts (§3.3: same as DNS over TCP).
 *
 * Authentication follows the strict usage profile of RFC 8310 §5: the
 * certificate must chain to a trusted CA and match the authentication domain
 * name (`tlsServerName`, else the server's IP literal, checked against the
 * certificate's IP SANs); on failure we do not fall back to clear text.
 * Trusted CAs: the system store (Node's bundled roots) or, with `caFile`,
 * only the CAs in that PEM file (for private or test resolvers).
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { type ConnectionOptions, type PeerCertificate, checkServerIdentity, connect as tlsConnect } from 'node:tls';
import { type OpenedStream, type StreamTransportOptions, StreamTransport } from './tcp.js';
import { TransportError, errorText } from './transport.js';

export const DEFAULT_DOT_PORT = 853;

export interface TlsOptions {
  /** Name the certificate must match (RFC 8310 §8 authentication domain name). Default: the server IP. */
  tlsServerName?: string;
  /** PEM file of the CAs to trust instead of the system store. */
  caFile?: string;
}

const caCache = new Map<string, string>();

/** Reads a CA file once; a missing or empty file is a 'config' error, never a silent fallback. */
export function loadCaFile(path: string): string {
  const cached = caCache.get(path);
  if (cached !== undefined) return cached;
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (e) {
    throw new TransportError('config', `cannot read CA file ${path}: ${errorText(e)}`, undefined, { cause: e });
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new TransportError('config', `CA file ${path} holds no PEM certificate`);
  }
  caCache.set(path, pem);
  return pem;
}

/**
 * tls.connect options that check the certificate against `expectedName`.
 * SNI is sent only for a host name (RFC 6066 §3 forbids IP literals in SNI).
 */
export function tlsConnectOptions(host: string, port: number, tlsOpts: TlsOptions, alpn?: string[]): ConnectionOptions {
  const expectedName = tlsOpts.tlsServerName ?? host;
  const options: ConnectionOptions = {
    host,
    port,
    rejectUnauthorized: true,
    minVersion: 'TLSv1.2', // RFC 8310 §9 / RFC 7525
    checkServerIdentity: (_hostname: string, cert: PeerCertificate) => checkServerIdentity(expectedName, cert),
  };
  if (isIP(expectedName) === 0) options.servername = expectedName;
  if (tlsOpts.caFile !== undefined) options.ca = loadCaFile(tlsOpts.caFile);
  if (alpn) options.ALPNProtocols = alpn;
  return options;
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EPIPE', 'EADDRNOTAVAIL']);

/**
 * A failure before the handshake completed that is not a plain socket error
 * is a TLS failure (certificate, name, protocol), reported as kind 'tls'.
 */
export function classifyTlsError(err: Error, handshakeDone: boolean, where: string, expectedName: string): TransportError {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  if (!handshakeDone && !NETWORK_CODES.has(code)) {
    return new TransportError(
      'tls',
      `TLS handshake with ${where} failed (expected certificate name ${JSON.stringify(expectedName)}): ${errorText(err)}`,
      where,
      { cause: err },
    );
  }
  return new TransportError('network', `TLS connection to ${where}: ${errorText(err)}`, where, { cause: err });
}

export interface TlsTransportOptions extends StreamTransportOptions, TlsOptions {}

export class TlsTransport extends StreamTransport {
  private readonly tlsOpts: TlsOptions;

  constructor(opts: TlsTransportOptions) {
    super(opts, 'tls');
    this.tlsOpts = {
      ...(opts.tlsServerName !== undefined ? { tlsServerName: opts.tlsServerName } : {}),
      ...(opts.caFile !== undefined ? { caFile: opts.caFile } : {}),
    };
  }

  protected override checkServer(): void {
    super.checkServer();
    if (this.tlsOpts.caFile !== undefined) loadCaFile(this.tlsOpts.caFile);
  }

  protected connector(): OpenedStream {
    const socket = tlsConnect(tlsConnectOptions(this.opts.server.host, this.opts.server.port, this.tlsOpts));
    return { socket, readyEvent: 'secureConnect' };
  }

  protected classify(err: Error, handshakeDone: boolean): TransportError {
    return classifyTlsError(err, handshakeDone, this.where, this.tlsOpts.tlsServerName ?? this.opts.server.host);
  }
}
