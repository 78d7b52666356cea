/**
 * Under AD, serve sends only records the validator judged (RFC 4035 §3.2.3: AD means every RRset in the answer
 * and authority sections is authentic; RFC 6840 §5.8). In the authority section of a secure answer, that is
 * the SOA and NSEC/NSEC3 RRsets whose signatures the denial or wildcard proof verified (the trace lists them):
 * an unsigned NSEC or NSEC3 an attacker adds beside a genuine proof is ignored by the proof and must not reach
 * the client with AD set (a stub that does its own RFC 8198 caching on AD would keep it).
 *
 * Handler-level (answerQuery), over example.net. signed with the RFC 6605 §6.1 P-256 key.
 */
import { describe, expect, it } from 'vitest';
import { answerQuery } from '../../src/server/handler.js';
import { AnswerMemo } from '../../src/server/answer-memo.js';
import { readRequest } from '../../src/server/request.js';
import { createValidator } from '../../src/validator/validator.js';
import { encodeQuery, parseMessage } from '../../src/wire/message.js';
import { nameToText } from '../../src/wire/name.js';
import { RRType, Rcode, typeToText } from '../../src/wire/rrtype.js';
import { RecordPool } from '../support/record-pool.js';
import { rfc6605Zone } from '../support/signed-zone.js';
import { rr } from '../support/signer.js';
import { makeMessage, n } from '../support/vectors.js';

const P = rfc6605Zone();
const SOA = rr('example.net.', 'SOA', 'ns.example.net. hostmaster.example.net. 1 3600 300 3600000 300');
const NSECS = P.sign([
  rr('example.net.', 'NSEC', 'www.example.net. SOA RRSIG NSEC DNSKEY'),
  rr('www.example.net.', 'NSEC', 'example.net. A RRSIG NSEC'),
]);
const forgedNsec = rr('aaa.example.net.', 'NSEC', 'zzzz.example.net. A');
const forgedNsec3 = rr('0p9mhaveqvm6t7vbl5lop2u3t2rp3tom.example.net.', 'NSEC3', '1 0 0 - 2t7b4g4vsa5smi47k61mv5bv1a22bojr A');

function deps(withForged: boolean) {
  const pool = new RecordPool([P.dnskey, P.sigFor([P.dnskey]), SOA, ...P.sign([SOA]).filter((r) => r.type === RRType.RRSIG), ...NSECS, ...P.sign([rr('www.example.net.', 'A', '192.0.2.1')])]);
  const soaSet = P.sign([SOA]);
  const authority = [...soaSet, ...NSECS, ...(withForged ? [forgedNsec, forgedNsec3] : [])];
  pool.fix(n('zzz.example.net.'), RRType.A, makeMessage(n('zzz.example.net.'), RRType.A, { rcode: Rcode.NXDOMAIN, authority }));
  const memo = new AnswerMemo(pool);
  const validator = createValidator({ source: memo, trustAnchors: P.dsAnchors, clock: () => P.now, prefetch: false });
  return { validator: () => validator, memo };
}

async function ask(withForged: boolean) {
  const req = readRequest(encodeQuery(n('zzz.example.net.'), RRType.A, { id: 7, cd: false, dnssecOk: true }));
  if (req.kind !== 'query') throw new Error('not a query');
  const answer = await answerQuery(req.query, deps(withForged));
  expect(answer.outcome).toBe('secure');
  const msg = parseMessage(answer.response(65535));
  return { msg, authority: msg.authority.map((r) => `${nameToText(r.name)} ${typeToText(r.type)}`) };
}

describe('serve, secure answers: the authority section holds only what the validator verified (RFC 4035 §3.2.3)', () => {
  it('the genuine proof goes out whole with AD: SOA, the NSECs and their RRSIGs', async () => {
    const { msg, authority } = await ask(false);
    expect(msg.flags.ad).toBe(true);
    expect(msg.rcode).toBe(Rcode.NXDOMAIN);
    expect(authority.filter((a) => !a.endsWith('RRSIG')).sort()).toEqual(['example.net. NSEC', 'example.net. SOA', 'www.example.net. NSEC']);
    expect(authority.filter((a) => a.endsWith('RRSIG')).length).toBe(3);
  });

  it('an unsigned NSEC and NSEC3 added beside the proof are not sent under AD', async () => {
    const { msg, authority } = await ask(true);
    expect(msg.flags.ad).toBe(true);
    expect(authority).not.toContain('aaa.example.net. NSEC');
    expect(authority).not.toContain('0p9mhaveqvm6t7vbl5lop2u3t2rp3tom.example.net. NSEC3');
    expect(authority.filter((a) => !a.endsWith('RRSIG')).sort()).toEqual(['example.net. NSEC', 'example.net. SOA', 'www.example.net. NSEC']);
  });
});
