/**
 * A response source wrapper that keeps the last upstream message for each
 * (name, type), so the proxy can answer a client from the very records the
 * validator judged, in the upstream's order, with their RDATA octets as
 * received. Bounded (LRU).
 */
import type { Message } from '../wire/message.js';
import { type Name, nameKey } from '../wire/name.js';
import type { ResponseSource } from '../validator/context.js';

export class AnswerMemo implements ResponseSource {
  private readonly messages = new Map<string, Message>();

  constructor(
    private readonly inner: ResponseSource,
    private readonly maxEntries = 20_000,
  ) {}

  async query(name: Name, type: number): Promise<Message> {
    const message = await this.inner.query(name, type);
    const key = `${nameKey(name)}|${type}`;
    this.messages.delete(key);
    this.messages.set(key, message);
    if (this.messages.size > this.maxEntries) this.messages.delete(this.messages.keys().next().value as string);
    return message;
  }

  /** The last message the upstream gave for (name, type), if still kept. */
  get(name: Name, type: number): Message | undefined {
    return this.messages.get(`${nameKey(name)}|${type}`);
  }
}
