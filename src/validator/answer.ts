/**
 * One answer: follows the CNAME/DNAME chain from the question name
 * (RFC 1034 §3.6.2, RFC 6672), classifies each response once (classify.ts)
 * and hands each class to its validator; the result is the weakest link.
 */
import { type Name, isStrictSubdomain, nameEquals, nameKey } from '../wire/name.js';
import type { Message } from '../wire/message.js';
import { RRType, rcodeToText, Rcode } from '../wire/rrtype.js';
import type { RRset } from '../dnssec/rrsig.js';
import { MAX_CNAME_CHAIN } from '../dnssec/limits.js';
import { responseRRsets, type ResponseRRsets } from './rrsets.js';
import type { QuestionContext } from './context.js';
import type { KeyChain } from './key-chain.js';
import { because, rrsetLabel } from './reasons.js';
import { type AnswerOutcome, type Link, bogusLink, combine } from './outcome.js';
import { Signers } from './signers.js';
import type { AggressiveCache } from './aggressive-cache.js';
import { classifyAt, linkTarget } from './classify.js';
import { validatePositive } from './positive.js';
import { validateNegative } from './negative.js';
import { followDname } from './dname.js';
import { fetchAnswer } from './fetch.js';

export type { AnswerOutcome, Link } from './outcome.js';
export { weakest } from './outcome.js';

export class AnswerValidator {
  private readonly s: Signers;

  constructor(keys: KeyChain, ctx: QuestionContext, prefetch: boolean, aggressive?: AggressiveCache) {
    this.s = new Signers(keys, ctx, prefetch, aggressive);
  }

  /** Follows the answer from `qname` and validates every link. */
  async run(qname: Name, qtype: number): Promise<AnswerOutcome> {
    const s = this.s;
    let msg = await fetchAnswer(qname, qtype, s.ctx);
    const links: Link[] = [];
    const visited = new Set<string>([nameKey(qname)]);
    let name = qname;
    let finalRcode = msg.rcode;
    const done = (extra?: Link): AnswerOutcome => combine(extra ? [...links, extra] : links, finalRcode);
    // The rcode is not signed. It applies to the last name of the chain
    // (RFC 6604 §3): NXDOMAIN beside data for that name contradicts the
    // signed data (RFC 1035 §4.1.1), and YXDOMAIN is only what a DNAME
    // substitution that grows too long yields (RFC 6672 §2.2), worked out here.
    const finalPositive = async (sets: ResponseRRsets, rrsets: readonly RRset[]): Promise<AnswerOutcome> => {
      for (const set of rrsets) links.push(await validatePositive(s, set, sets, 'answer'));
      // Asked for the CNAME itself, the resolver may still follow it, and the
      // rcode then speaks of its target (RFC 6604 §3): an NXDOMAIN must be
      // proven for the target like any other (RFC 4035 §5.4).
      const cnameTargetName = qtype === RRType.CNAME && msg.rcode === Rcode.NXDOMAIN && rrsets[0] ? linkTarget(rrsets[0]) : undefined;
      if (cnameTargetName) return done(await validateNegative(s, cnameTargetName, RRType.A, msg, sets));
      if (msg.rcode === Rcode.NXDOMAIN || msg.rcode === Rcode.YXDOMAIN) {
        return done(bogusLink(because({ kind: 'rcode-contradicts', rcode: rcodeToText(msg.rcode), what: rrsetLabel(name, qtype) })));
      }
      return done();
    };

    for (let hop = 0; ; hop++) {
      if (hop > MAX_CNAME_CHAIN) return done(bogusLink(because({ kind: 'chain-too-long', limit: MAX_CNAME_CHAIN })));
      const sets = responseRRsets(msg);
      finalRcode = msg.rcode;
      const c = classifyAt(msg, sets, name, qtype);
      switch (c.kind) {
        case 'dname': {
          const step = await followDname(s, c.dname, name, qtype, sets);
          if (step.kind === 'end') {
            if (!step.extra) return done(step.link);
            links.push(step.link);
            return done(step.extra);
          }
          links.push(step.link);
          if (step.kind === 'yxdomain') {
            finalRcode = Rcode.YXDOMAIN;
            return done();
          }
          if (visited.has(nameKey(step.next))) return done(bogusLink(because({ kind: 'loop', type: 'DNAME', at: step.next })));
          // Asked for the CNAME itself: the synthesised CNAME is the answer.
          if (qtype === RRType.CNAME && step.synthesised) return done();
          visited.add(nameKey(step.next));
          name = step.next;
          msg = await this.continueChain(msg, sets, name, qtype);
          continue;
        }
        case 'positive':
        case 'any':
          return finalPositive(sets, c.rrsets);
        case 'cname': {
          links.push(await validatePositive(s, c.cname, sets, 'cname'));
          const next = linkTarget(c.cname);
          if (!next || c.cname.rrs.length !== 1) return done(bogusLink(because({ kind: 'malformed-link', type: 'CNAME', owner: name })));
          if (visited.has(nameKey(next))) return done(bogusLink(because({ kind: 'loop', type: 'CNAME', at: next })));
          visited.add(nameKey(next));
          name = next;
          msg = await this.continueChain(msg, sets, name, qtype);
          continue;
        }
        case 'yxdomain':
          return done(bogusLink(because({ kind: 'yxdomain-without-dname', what: rrsetLabel(name, qtype) })));
        case 'nxdomain':
        case 'nodata':
        case 'referral': {
          let denial = await validateNegative(s, name, qtype, msg, sets);
          if (denial.status === 'bogus' && links.length > 0 && msg.rcode === Rcode.NOERROR) {
            // Some servers answer NOERROR for a CNAME whose target does not exist
            // (the rcode ambiguity RFC 6604 settled). If the response proves the
            // target's non-existence, that proof stands (as Unbound repairs it).
            const asNx = await validateNegative(s, name, qtype, msg, sets, true);
            if (asNx.status !== 'bogus') {
              denial = asNx;
              finalRcode = Rcode.NXDOMAIN;
            }
          }
          links.push(denial);
          return done();
        }
      }
    }
  }

  /**
   * After a CNAME/DNAME link, the rest of the chain is normally in the same
   * response (the recursive resolver followed it). When the response holds
   * nothing about the new name — no data, no SOA, no denial — ask for it.
   */
  private async continueChain(msg: Message, sets: ResponseRRsets, name: Name, qtype: number): Promise<Message> {
    const hasData = sets.answer.some((x) => nameEquals(x.name, name) || (x.type === RRType.DNAME && isStrictSubdomain(name, x.name)));
    const hasNegative = msg.rcode === Rcode.NXDOMAIN || sets.authority.some((x) => x.type === RRType.SOA || x.type === RRType.NSEC || x.type === RRType.NSEC3);
    if (hasData || hasNegative) return msg;
    return fetchAnswer(name, qtype, this.s.ctx);
  }
}
