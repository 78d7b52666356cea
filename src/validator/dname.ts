/**
 * The DNAME class (RFC 6672): the DNAME RRset validated like any positive
 * RRset, the CNAME a server synthesised from it checked against the
 * synthesis (RFC 6672 §3.2, §5.3.3: that CNAME is unsigned), and the next
 * name of the chain.
 */
import { type Name, nameEquals, nameToWire, nameWireLength, MAX_NAME_WIRE_LENGTH } from '../wire/name.js';
import type { RR } from '../wire/message.js';
import { RRType } from '../wire/rrtype.js';
import { type RRset, isWildcardExpansion } from '../dnssec/rrsig.js';
import { rrsigOf } from '../dnssec/records.js';
import { type ResponseRRsets, findRRset } from './rrsets.js';
import { because, rrsetLabel } from './reasons.js';
import { type Link, bogusLink } from './outcome.js';
import type { Signers } from './signers.js';
import { validatePositive } from './positive.js';
import { linkTarget } from './classify.js';

function rdataName(rr: RR): Name | undefined {
  return linkTarget({ name: rr.name, type: rr.type, class: rr.class, ttl: rr.ttl, rrs: [rr], sigs: [] });
}

export type DnameStep =
  /** The link, and the name the chain goes on with. */
  | { readonly kind: 'next'; readonly link: Link; readonly next: Name; readonly synthesised: boolean }
  /** The substitution grows too long: the answer is YXDOMAIN (RFC 6672 §2.2). */
  | { readonly kind: 'yxdomain'; readonly link: Link }
  /** The chain ends here with this link (a failure, or the answer itself). */
  | { readonly kind: 'end'; readonly link: Link; readonly extra?: Link };

/** Validates the DNAME `dname` above `name` and works out where the chain goes. */
export async function followDname(s: Signers, dname: RRset, name: Name, qtype: number, sets: ResponseRRsets): Promise<DnameStep> {
  let link = await validatePositive(s, dname, sets, 'dname');
  const dsig = dname.sigs.map((x) => rrsigOf(x)).find((x) => x !== undefined);
  if (link.status === 'secure' && dsig && isWildcardExpansion(dname.name, dsig.labels)) {
    // A DNAME expanded from a wildcard is undefined (RFC 4592 §4.4, RFC 6672 §3.3).
    link = bogusLink(because({ kind: 'dname-from-wildcard', owner: dname.name }), [dname]);
  }
  if (link.status !== 'secure' && s.aboveAnchor(dname.name, name)) {
    // A DNAME owned above the name's island of trust cannot redirect
    // it unless it is secure: the island's own anchor decides.
    const island = await s.unsigned(name, qtype, rrsetLabel(name, qtype), 'dname-island');
    if (island.status !== 'insecure') return { kind: 'end', link: { ...island, rrsets: [] } };
  }
  const target = linkTarget(dname);
  if (!target || dname.rrs.length !== 1) return { kind: 'end', link: bogusLink(because({ kind: 'malformed-link', type: 'DNAME', owner: dname.name })) };
  // RFC 6672 §2.2: replace the DNAME owner suffix with its target.
  const synthesized = [...name.slice(0, name.length - dname.name.length), ...target];
  const synth = findRRset(sets.answer, name, RRType.CNAME);
  if (nameWireLength(synthesized) > MAX_NAME_WIRE_LENGTH) return { kind: 'yxdomain', link: { ...link, rrsets: [dname] } };
  if (synth) {
    // The server's CNAME is unsigned (RFC 6672 §5.3.3): every record of it
    // must be the synthesis (identical copies are one record, RFC 2181 §5);
    // a second target at the name is a forgery (RFC 2181 §10.1): bogus.
    const forged = synth.rrs.some((rr) => {
      const t = rdataName(rr);
      return !t || !nameEquals(t, synthesized);
    });
    if (forged) return { kind: 'end', link: { ...link, rrsets: [dname] }, extra: bogusLink(because({ kind: 'dname-mismatch', name, dname: dname.name })) };
  }
  // What is handed out is the CNAME the validator synthesises itself, with
  // the DNAME's TTL (RFC 6672 §5.3.3), never the server's records; also when
  // the server sent none (RFC 6672 §3.2), so that a secure answer lists the
  // whole chain (a fuzzer finding: dropping the unsigned CNAME left it out).
  const own: RRset = { name, type: RRType.CNAME, class: dname.class, ttl: dname.ttl, rrs: [{ name, type: RRType.CNAME, class: dname.class, ttl: dname.ttl, rdata: nameToWire(synthesized) }], sigs: [] };
  return { kind: 'next', link: { ...link, rrsets: [dname, own] }, next: synthesized, synthesised: synth !== undefined };
}

