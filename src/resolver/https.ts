/**
 * DNS over HTTPS (RFC 8484): POST of the wire-format query with content type
 * application/dns-message (§4.1), ID 0 in every query (§4.1, for HTTP cache
 * friendliness), so the answer is matched on its question alone; HTTP ties
 * the response to the request.
 *
 * Why node:http2 and not the global fetch:
 * - RFC 8484 §5.2 recommends HTTP/2 as the minimum version, and servers such
 *   as Unbound's https-port speak only HTTP/2; Node 20's fetch (undici)
 *   negotiates HTTP/1.1 unless given an undici Agent with allowH2, which
 *   needs undici as a dependency.
 * - fetch cannot take a per-request CA (only the process-wide
 *   NODE_EXTRA_CA_CERTS); http2.connect takes a custom TLS connection, so the
 *   certificate checks are exactly those of DNS over TLS (tls.ts): the system
 *   store or a CA file, and the name of the URL or `tlsServerName`.
 * - One HTTP/2 session multiplexes concurrent queries, as TCP/TLS pipelining does.
 */
import { type ClientHttp2Session, type ClientHttp2Stream, connect as http2Connect, constants as h2 } from 'node:http2';
import { isIP } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { encodeQuery } from '../wire/message.js';
import { type TlsOptions, classifyTlsError, loadCaFile, tlsConnectOptions } from './tls.js';
import {
  type ServerAddress,
  type Transport,
  type TransportResult,
  type TransportStats,
  type UpstreamQuery,
  TransportError,
  checkResponse,
  describeQuery,
  guarded,
  newStats,
} from './transport.js';
import { DEFAULT_IDLE_TIMEOUT_MS } from './tcp.js';

export const DOH_CONTENT_TYPE = 'application/dns-message';
export const DEFAULT_DOH_PATH = '/dns-query';
/** A DNS message is at most 65535 octets (RFC 1035 §4.2.2); a bigger body is refused. */
const MAX_DOH_BODY = 65535;

export interface HttpsTransportOptions extends TlsOptions {
  /** The DoH URI template without variables (RFC 8484 §3), e.g. https://[2001:db8::1]/dns-query. */
  url: string;
  /**
   * Address to connect to. Default: the URL's host, which must then be an
   * IP literal (there is no resolver yet to look a name up).
   */
  server?: ServerAddress;
  timeoutMs: number;
  idleTimeoutMs?: number;
}

interface Session {
  session: ClientHttp2Session;
  handshakeDone: boolean;
  error: TransportError | undefined;
  active: number;
}

export class HttpsTransport implements Transport {
  private readonly counters = newStats();
  private readonly url: URL;
  private readonly connectHost: string;
  private readonly connectPort: number;
  private readonly expectedName: string;
  private readonly tlsOpts: TlsOptions;
  private current: Session | undefined;
  private readonly sessions = new Set<Session>();
  private closed = false;

  constructor(private readonly opts: HttpsTransportOptions) {
    let url: URL;
    try {
      url = new URL(opts.url);
    } catch {
      throw new TransportError('config', `not a URL: ${JSON.stringify(opts.url)}`);
    }
    if (url.protocol !== 'https:') throw new TransportError('config', `DoH needs an https: URL, not ${JSON.stringify(opts.url)}`);
    this.url = url;
    const urlHost = url.hostname.replace(/^\[(.*)\]$/, '$1');
    this.connectHost = opts.server?.host ?? urlHost;
    this.connectPort = opts.server?.port ?? (url.port ? Number(url.port) : 443);
    if (isIP(this.connectHost) === 0) {
      throw new TransportError('config', `DoH server ${JSON.stringify(this.connectHost)} is not an IP literal; give its address in servers`);
    }
    this.expectedName = opts.tlsServerName ?? urlHost;
    this.tlsOpts = { tlsServerName: this.expectedName, ...(opts.caFile !== undefined ? { caFile: opts.caFile } : {}) };
    if (opts.caFile !== undefined) loadCaFile(opts.caFile);
  }

  private get where(): string {
    return this.url.href;
  }

  private session(): Session {
    const cur = this.current;
    if (cur && !cur.session.closed && !cur.session.destroyed && !cur.error) return cur;
    const s: Session = { session: undefined as unknown as ClientHttp2Session, handshakeDone: false, error: undefined, active: 0 };
    s.session = http2Connect(this.url.origin, {
      createConnection: () => {
        const sock = tlsConnect(tlsConnectOptions(this.connectHost, this.connectPort, this.tlsOpts, ['h2']));
        sock.once('secureConnect', () => {
          s.handshakeDone = true;
        });
        return sock;
      },
    });
    s.session.on('error', (err) => {
      s.error ??= classifyTlsError(err, s.handshakeDone, this.where, this.expectedName);
    });
    s.session.on('close', () => {
      this.sessions.delete(s);
      if (this.current === s) this.current = undefined;
    });
    // Idle sessions are closed (RFC 8484 §5.2 leaves this to the client) and never hold the process open.
    s.session.setTimeout(this.opts.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS, () => {
      if (s.active === 0) s.session.close();
    });
    s.session.unref();
    this.sessions.add(s);
    this.current = s;
    return s;
  }

  async query(q: UpstreamQuery, signal?: AbortSignal): Promise<TransportResult> {
    if (this.closed) throw new TransportError('closed', `DoH transport ${this.where} is closed`, this.where);
    const query = q.encode ? q.encode(0) : encodeQuery(q.name, q.type, { id: 0 });
    const where = this.where;
    const raw = await guarded<Uint8Array>(
      { timeoutMs: this.opts.timeoutMs, signal, server: where, what: `DoH query for ${describeQuery(q)}`, stats: this.counters },
      (ctl) => {
        const s = this.session();
        s.active++;
        s.session.ref();
        let stream: ClientHttp2Stream | undefined;
        let ended = false;
        ctl.onSettle(() => {
          s.active--;
          if (s.active === 0) s.session.unref();
          if (stream && !ended && !stream.closed) stream.close(h2.NGHTTP2_CANCEL);
        });
        const failWith = (fallback: TransportError): void => {
          // A session error (e.g. a certificate failure) explains a stream error better.
          setImmediate(() => ctl.reject(s.error ?? fallback));
        };
        stream = s.session.request({
          [h2.HTTP2_HEADER_METHOD]: 'POST',
          [h2.HTTP2_HEADER_PATH]: `${this.url.pathname}${this.url.search}`,
          [h2.HTTP2_HEADER_CONTENT_TYPE]: DOH_CONTENT_TYPE,
          [h2.HTTP2_HEADER_ACCEPT]: DOH_CONTENT_TYPE,
          [h2.HTTP2_HEADER_CONTENT_LENGTH]: String(query.length),
        });
        this.counters.queriesSent++;
        const chunks: Buffer[] = [];
        let size = 0;
        let status = 0;
        let contentType = '';
        stream.on('response', (headers) => {
          status = Number(headers[h2.HTTP2_HEADER_STATUS] ?? 0);
          contentType = String(headers[h2.HTTP2_HEADER_CONTENT_TYPE] ?? '');
        });
        stream.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_DOH_BODY) {
            this.counters.malformedResponses++;
            ctl.reject(new TransportError('malformed', `DoH response from ${where} is larger than ${MAX_DOH_BODY} octets`, where));
            return;
          }
          chunks.push(chunk);
        });
        stream.on('end', () => {
          ended = true;
          // RFC 8484 §4.2.1: a 2xx status with application/dns-message carries the DNS answer.
          if (status < 200 || status > 299) {
            ctl.reject(new TransportError('http', `DoH server ${where} answered HTTP ${status}`, where));
            return;
          }
          if (contentType.split(';')[0]!.trim().toLowerCase() !== DOH_CONTENT_TYPE) {
            ctl.reject(new TransportError('http', `DoH server ${where} answered with content type ${JSON.stringify(contentType)}`, where));
            return;
          }
          ctl.resolve(new Uint8Array(Buffer.concat(chunks)));
        });
        stream.on('error', (err) => failWith(classifyTlsError(err, s.handshakeDone, where, this.expectedName)));
        stream.on('close', () => {
          if (!ended) failWith(new TransportError('network', `DoH stream to ${where} closed before the answer (HTTP/2 code ${stream?.rstCode ?? 'none'})`, where));
        });
        stream.end(query);
      },
    );
    // ID 0 is ours and theirs (RFC 8484 §4.1): match on the question only.
    const check = checkResponse(raw, { id: undefined, name: q.name, type: q.type, class: 1 });
    if (!check.ok) {
      if (check.malformed) this.counters.malformedResponses++;
      else this.counters.mismatchedResponses++;
      // HTTP gives one response per request: there is nothing else to wait for.
      throw new TransportError('malformed', `DoH response from ${where} not accepted: ${check.reason}`, where);
    }
    return { message: check.message, raw, exchange: { query, response: raw, server: where, transport: 'https' } };
  }

  stats(): TransportStats {
    return { ...this.counters };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const s of [...this.sessions]) {
      s.error ??= new TransportError('closed', `DoH transport ${this.where} closed by us`, this.where);
      s.session.destroy();
    }
    this.sessions.clear();
    this.current = undefined;
  }
}
