/**
 * Which response codes carry an answer, in one place. The rcode is not
 * signed; what it means for validation is decided by the validator. Here:
 * whether there is anything to validate at all.
 *
 * - NOERROR and NXDOMAIN carry data or a denial (RFC 1035 §4.1.1, RFC 2308 §2).
 * - YXDOMAIN carries an answer only to a question whose DNAME substitution
 *   grows too long (RFC 6672 §2.2), never to the DS and DNSKEY queries of a
 *   chain walk.
 * - Everything else (FORMERR, SERVFAIL, NOTIMP, REFUSED, ...) is no answer:
 *   an upstream failure, not a validation result.
 */
import { Rcode } from './rrtype.js';

/** True when a response with this rcode holds an answer to validate. */
export function carriesAnswer(rcode: number, opts: { dname?: boolean } = {}): boolean {
  return rcode === Rcode.NOERROR || rcode === Rcode.NXDOMAIN || (opts.dname !== false && rcode === Rcode.YXDOMAIN);
}
