/**
 * A response source wrapper that keeps the last upstream message for each
 * (name, type), so the proxy can answer a client from the very records the
 * validator judged, in the upstream's order, with their RDATA octets as
 * received. Bounded (LRU) by entries and by an estimate of the octets held,
 * and so are the messages verdicts were reached on (pin).
 */
import type { Message } from '../wire/message.js';
import { type Name, nameKey } from '../wire/name.js';
import type { ResponseSource } from '../validator/context.js';

/** Octets counted per record besides its RDATA (owner, type, class, TTL, object overhead). */
const PER_RECORD = 96;

function weight(m: Message): number {
  let n = 256;
  for (const section of [m.answer, m.authority, m.additional]) for (const rr of section) n += PER_RECORD + rr.rdata.length;
  return n;
}

/** Messages by question key, least recently stored first out, bounded by entries and by octets held. */
class BoundedMessages {
  private readonly messages = new Map<string, { message: Message; weight: number }>();
  private held = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxOctets: number,
  ) {}

  set(key: string, message: Message): void {
    this.delete(key);
    const entry = { message, weight: weight(message) };
    this.messages.set(key, entry);
    this.held += entry.weight;
    while (this.messages.size > this.maxEntries || (this.held > this.maxOctets && this.messages.size > 1)) {
      this.delete(this.messages.keys().next().value as string);
    }
  }

  get(key: string): Message | undefined {
    return this.messages.get(key)?.message;
  }

  private delete(key: string): void {
    const old = this.messages.get(key);
    if (!old) return;
    this.held -= old.weight;
    this.messages.delete(key);
  }
}

export class AnswerMemo implements ResponseSource {
  private readonly recent: BoundedMessages;
  /** The messages client verdicts were reached on (pin), bounded alike: they are held apart from `recent`. */
  private readonly judged: BoundedMessages;

  constructor(
    private readonly inner: ResponseSource,
    maxEntries = 20_000,
    maxOctets = 32 * 1024 * 1024,
  ) {
    this.recent = new BoundedMessages(maxEntries, maxOctets);
    this.judged = new BoundedMessages(maxEntries, maxOctets);
  }

  async query(name: Name, type: number): Promise<Message> {
    const message = await this.inner.query(name, type);
    this.recent.set(`${nameKey(name)}|${type}`, message);
    return message;
  }

  /** The last message the upstream gave for (name, type), if still kept. */
  get(name: Name, type: number): Message | undefined {
    return this.recent.get(`${nameKey(name)}|${type}`);
  }

  /**
   * Remembers `message` as the one a client question's verdict was reached
   * on. A verdict served later from the validator's result cache is answered
   * from this message, not from whatever the upstream said for (name, type)
   * since (a key-chain walk may ask the same question and get other records).
   */
  pin(name: Name, type: number, message: Message): void {
    this.judged.set(`${nameKey(name)}|${type}`, message);
  }

  pinned(name: Name, type: number): Message | undefined {
    return this.judged.get(`${nameKey(name)}|${type}`);
  }
}
