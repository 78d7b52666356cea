/**
 * What the proxy tests share (server-behaviour.test.ts, server-limits.test.ts):
 * the lab's network source with chosen questions held until the test lets
 * them go, a ProxyServer on an ephemeral port of 127.0.0.1, and a UDP client
 * that waits for answers by count, never by a wall-clock window (a busy
 * machine makes answers late, not absent).
 */
import { createSocket, type Socket } from 'node:dgram';
import { loadTrustAnchorFile } from '../../src/dnssec/anchors.js';
import { AccessList } from '../../src/server/acl.js';
import { AnswerMemo } from '../../src/server/answer-memo.js';
import { ProxyServer } from '../../src/server/server.js';
import type { ResponseSource } from '../../src/validator/context.js';
import { createValidator, type Validator } from '../../src/validator/validator.js';
import { type Message, parseMessage } from '../../src/wire/message.js';
import { type Name, nameKey } from '../../src/wire/name.js';

/** The network source, with the questions named in `held` waiting until release(). */
export class HeldSource implements ResponseSource {
  private readonly waiting: (() => void)[] = [];
  asked = 0;
  constructor(
    private readonly inner: ResponseSource,
    private readonly held: Set<string>,
  ) {}
  async query(name: Name, type: number): Promise<Message> {
    this.asked++;
    if (this.held.has(nameKey(name))) await new Promise<void>((r) => this.waiting.push(r));
    return this.inner.query(name, type);
  }
  /** Lets every held question go, and holds nothing from now on. */
  release(): void {
    this.held.clear();
    for (const w of this.waiting.splice(0)) w();
  }
  get holding(): number {
    return this.waiting.length;
  }
}

/** A proxy validating from `anchorFile` over `source`, on 127.0.0.1 (ephemeral port). */
export async function startProxy(anchorFile: string, source: ResponseSource, opts: Partial<ConstructorParameters<typeof ProxyServer>[0]> = {}, memoEntries?: number) {
  const memo = new AnswerMemo(source, memoEntries);
  const anchors = loadTrustAnchorFile(anchorFile, Math.floor(Date.now() / 1000));
  const validator: Validator = createValidator({ source: memo, trustAnchors: anchors });
  const logs: string[] = [];
  const server = new ProxyServer({ listen: [{ host: '127.0.0.1', port: 0 }], acl: new AccessList(), validator: () => validator, memo, log: (l) => logs.push(l), ...opts });
  const [bound] = await server.start();
  return { server, port: bound!.port, logs };
}

/** Polls `cond` (an event the test waits for); the bound only turns a hang into a failure. */
export const until = async (cond: () => boolean, ms = 20_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
};

/** A UDP client on 127.0.0.1 that collects every answer it receives. */
export class UdpClient {
  readonly got: Message[] = [];
  private marks = 0;
  private constructor(private readonly socket: Socket) {
    socket.on('message', (m) => {
      // Our own flush marks (one octet) are not DNS messages.
      if (m.length === 1) this.marks++;
      else this.got.push(parseMessage(m));
    });
  }

  static open(): Promise<UdpClient> {
    const s = createSocket('udp4');
    return new Promise((resolve) => s.bind(0, '127.0.0.1', () => resolve(new UdpClient(s))));
  }

  send(port: number, ...queries: Uint8Array[]): void {
    for (const q of queries) this.socket.send(q, port, '127.0.0.1');
  }

  /** Resolves with the answers once `n` have come. */
  async answers(n: number): Promise<Message[]> {
    await until(() => this.got.length >= n);
    return this.got;
  }

  /**
   * Every datagram already sent to this socket has been read: a mark sent
   * to itself comes back after them (loopback keeps the order of one
   * socket's receive queue). Use after the server closed, to say "nothing
   * more came" without waiting out a window.
   */
  async flush(): Promise<Message[]> {
    const want = this.marks + 1;
    this.socket.send(Uint8Array.of(0), this.socket.address().port, '127.0.0.1');
    await until(() => this.marks >= want);
    return this.got;
  }

  close(): void {
    this.socket.close();
  }
}
