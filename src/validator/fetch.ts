/**
 * Asking the upstream for what validation needs, with the rcode policy
 * (src/wire/rcode-policy.ts) applied: a response without an answer is an
 * UpstreamError, never something to validate.
 */
import { type Name, nameToText } from '../wire/name.js';
import type { Message } from '../wire/message.js';
import { rcodeToText, typeToText } from '../wire/rrtype.js';
import { carriesAnswer } from '../wire/rcode-policy.js';
import { UpstreamError } from '../types.js';
import type { QuestionContext } from './context.js';

/** Throws UpstreamError when `msg` carries no answer (YXDOMAIN only for the answer's own queries). */
export function checkRcode(msg: Message, name: Name, type: number, opts: { dname?: boolean } = {}): void {
  if (!carriesAnswer(msg.rcode, opts)) {
    throw new UpstreamError(`upstream answered ${rcodeToText(msg.rcode)} to ${nameToText(name)} ${typeToText(type)}`);
  }
}

/** The response to the question itself (or the next name of its CNAME/DNAME chain). */
export async function fetchAnswer(name: Name, type: number, ctx: QuestionContext): Promise<Message> {
  const msg = await ctx.ask(name, type);
  checkRcode(msg, name, type, { dname: true });
  return msg;
}

/**
 * Fetches a DNSKEY or DS RRset for the chain. A failure here (timeout,
 * upstream SERVFAIL) is returned, not thrown, for the caller to decide;
 * budget errors propagate.
 */
export async function fetchKeyData(name: Name, type: number, ctx: QuestionContext): Promise<Message | UpstreamError> {
  try {
    const msg = await ctx.ask(name, type);
    checkRcode(msg, name, type, { dname: false });
    return msg;
  } catch (e) {
    if (e instanceof UpstreamError) return e;
    throw e;
  }
}
