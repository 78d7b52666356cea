/** What the answer-memo bound tests share: a response whose one TXT answer holds `size` octets of RDATA. */
import type { Message } from '../../src/wire/message.js';
import { nameFromText } from '../../src/wire/name.js';

export function sizedMessage(size: number): Message {
  return {
    id: 0,
    flags: { qr: true, opcode: 0, aa: false, tc: false, rd: true, ra: true, ad: false, cd: true },
    rcode: 0,
    question: [],
    answer: [{ name: nameFromText('a.'), type: 16, class: 1, ttl: 1, rdata: new Uint8Array(size) }],
    authority: [],
    additional: [],
  };
}
