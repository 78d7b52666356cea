/**
 * Each response is classified once (after Unbound's val_classify_response),
 * before anything is verified: the class picks the validator that runs.
 */
import { describe, expect, it } from 'vitest';
import { classifyAt, classifyResponse } from '../../src/validator/classify.js';
import { responseRRsets } from '../../src/validator/rrsets.js';
import { Rcode } from '../../src/wire/rrtype.js';
import { rr } from '../support/signer.js';
import { makeMessage, n, RRType } from '../support/vectors.js';

const SOA = rr('example.net.', 'SOA', 'ns.example.net. host.example.net. 1 3600 600 86400 300');
const NS = rr('sub.example.net.', 'NS', 'ns.sub.example.net.');

const cases: [what: string, qname: string, qtype: number, parts: Parameters<typeof makeMessage>[2], cls: string][] = [
  ['data for the name and type', 'www.example.net.', RRType.A, { answer: [rr('www.example.net.', 'A', '192.0.2.1')] }, 'positive'],
  ['a CNAME chain ending in data', 'a.example.net.', RRType.A, { answer: [rr('a.example.net.', 'CNAME', 'www.example.net.'), rr('www.example.net.', 'A', '192.0.2.1')] }, 'cname'],
  ['a DNAME chain ending in data', 'x.old.example.net.', RRType.A, { answer: [rr('old.example.net.', 'DNAME', 'new.example.net.'), rr('x.new.example.net.', 'A', '192.0.2.1')] }, 'cname'],
  ['NOERROR, no data, an SOA', 'www.example.net.', RRType.TXT, { authority: [SOA] }, 'nodata'],
  ['NXDOMAIN with an SOA', 'nx.example.net.', RRType.A, { rcode: Rcode.NXDOMAIN, authority: [SOA] }, 'nxdomain'],
  ['a CNAME to a name without the type', 'a.example.net.', RRType.TXT, { answer: [rr('a.example.net.', 'CNAME', 'www.example.net.')], authority: [SOA] }, 'cname-nodata'],
  ['a CNAME to a name that does not exist', 'a.example.net.', RRType.A, { rcode: Rcode.NXDOMAIN, answer: [rr('a.example.net.', 'CNAME', 'nx.example.net.')], authority: [SOA] }, 'cname-nxdomain'],
  ['an NS RRset above the name, no SOA (RFC 4035 §5.2)', 'www.sub.example.net.', RRType.A, { authority: [NS] }, 'referral'],
  ['ANY with several RRsets', 'www.example.net.', RRType.ANY, { answer: [rr('www.example.net.', 'A', '192.0.2.1'), rr('www.example.net.', 'TXT', '"x"')] }, 'any'],
  ['YXDOMAIN without a DNAME (RFC 6672 §2.2)', 'www.example.net.', RRType.A, { rcode: Rcode.YXDOMAIN }, 'yxdomain'],
];

describe('classifyResponse: one class per response', () => {
  it.each(cases)('%s → %s', (_what, qname, qtype, parts, cls) => {
    expect(classifyResponse(makeMessage(n(qname), qtype, parts), n(qname), qtype)).toBe(cls);
  });

  it('a CNAME loop inside the response ends the walk (class cname, no hang)', () => {
    const msg = makeMessage(n('a.example.net.'), RRType.A, { answer: [rr('a.example.net.', 'CNAME', 'b.example.net.'), rr('b.example.net.', 'CNAME', 'a.example.net.')] });
    expect(classifyResponse(msg, n('a.example.net.'), RRType.A)).toBe('cname');
  });
});

describe('classifyAt: the class of one name of the chain', () => {
  it('a DNAME above the name comes before a CNAME at it (RFC 6672 §3.2: that CNAME is synthesised)', () => {
    const msg = makeMessage(n('x.old.example.net.'), RRType.A, {
      answer: [rr('old.example.net.', 'DNAME', 'new.example.net.'), rr('x.old.example.net.', 'CNAME', 'x.new.example.net.')],
    });
    expect(classifyAt(msg, responseRRsets(msg), n('x.old.example.net.'), RRType.A).kind).toBe('dname');
  });

  it('asked for the CNAME itself, the CNAME is the data (positive), not a link', () => {
    const msg = makeMessage(n('a.example.net.'), RRType.CNAME, { answer: [rr('a.example.net.', 'CNAME', 'www.example.net.')] });
    expect(classifyAt(msg, responseRRsets(msg), n('a.example.net.'), RRType.CNAME).kind).toBe('positive');
  });

  it('an NS RRset beside an SOA is no referral: NODATA', () => {
    const msg = makeMessage(n('www.sub.example.net.'), RRType.A, { authority: [SOA, NS] });
    expect(classifyAt(msg, responseRRsets(msg), n('www.sub.example.net.'), RRType.A).kind).toBe('nodata');
  });
});
