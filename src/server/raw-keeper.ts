/**
 * A transport wrapper that remembers the octets each upstream message came
 * in (by message object, so a response-cache hit finds its bytes too), for
 * answering clients from the upstream's own bytes (raw-answer.ts).
 */
import type { Message } from '../wire/message.js';
import { type Transport, type TransportResult, type TransportStats, type UpstreamQuery, newStats } from '../resolver/transport.js';

export class RawKeeper implements Transport {
  private readonly raws = new WeakMap<Message, Uint8Array>();

  constructor(private readonly inner: Transport) {}

  async query(q: UpstreamQuery, signal?: AbortSignal): Promise<TransportResult> {
    const result = await this.inner.query(q, signal);
    this.raws.set(result.message, result.raw);
    return result;
  }

  /** The octets `message` was parsed from, while it is alive. */
  rawOf(message: Message): Uint8Array | undefined {
    return this.raws.get(message);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  stats(): TransportStats {
    return this.inner.stats ? this.inner.stats() : newStats();
  }
}
