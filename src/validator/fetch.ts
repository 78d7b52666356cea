/**
 * Asking the upstream for what validation needs, with the rcode policy
 * (src/wire/rcode-policy.ts) applied: a response without an answer is an
 * UpstreamError, never something to validate.
 */
import { type Name, nameToText } from '../wire/name.js';
import type { Message } from '../wire/message.js';
import { rcodeToText, typeToText } from '../wire/rrtype.js';
import { carriesAnswer } from '../wire/rcode-policy.js';
import { EDE, UpstreamError } from '../types.js';
import type { QuestionContext } from './context.js';

/** Throws UpstreamError when `msg` carries no answer (YXDOMAIN only for the answer's own queries). */
export function checkRcode(msg: Message, name: Name, type: number, opts: { dname?: boolean } = {}): void {
  if (!carriesAnswer(msg.rcode, opts)) {
    throw new UpstreamError(`upstream answered ${rcodeToText(msg.rcode)} to ${nameToText(name)} ${typeToText(type)}`, undefined, EDE.NO_REACHABLE_AUTHORITY);
  }
}

/** The response to the question itself (or the next name of its CNAME/DNAME chain). */
export async function fetchAnswer(name: Name, type: number, ctx: QuestionContext): Promise<Message> {
  const msg = await ctx.ask(name, type);
  checkRcode(msg, name, type, { dname: true });
  return msg;
}

/**
 * Fetches a DNSKEY or DS RRset for the chain. A fetch that got no answer
 * (timeouts, upstream SERVFAIL/REFUSED) rejects with UpstreamError: no
 * answer is no verdict, and the key cache keeps nothing from it (issue 10
 * correction 5; bogus is for data that arrived and failed).
 */
export async function fetchKeyData(name: Name, type: number, ctx: QuestionContext): Promise<Message> {
  const msg = await ctx.ask(name, type);
  checkRcode(msg, name, type, { dname: false });
  return msg;
}
