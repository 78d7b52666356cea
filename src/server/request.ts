/**
 * Reading a client's query, before any validation work: what it asks, how
 * (RD, CD, AD, EDNS buffer, DO) and the exact question octets to echo (the
 * client's case, RFC 1035 §4.1.1, and 0x20 randomisation). Malformed
 * queries get FORMERR, opcodes other than QUERY NOTIMP (RFC 1035 §4.1.1),
 * an EDNS version above 0 BADVERS (RFC 6891 §6.1.3), and questions a proxy
 * will not forward (zone transfers, other meta-types, classes other than IN)
 * REFUSED. Responses (QR=1) and anything shorter than a header are dropped.
 */
import { type Edns, type Question, MessageError, parseMessage } from '../wire/message.js';
import { NameError, readName } from '../wire/name.js';
import { RRType, Rcode } from '../wire/rrtype.js';

export interface ClientQuery {
  readonly id: number;
  readonly rd: boolean;
  readonly cd: boolean;
  /** AD set in the query: the client understands AD (RFC 6840 §5.7). */
  readonly ad: boolean;
  readonly question: Question;
  /** The question section exactly as the client sent it. */
  readonly questionBytes: Uint8Array;
  readonly edns: Edns | undefined;
}

/** Enough of a rejected query to answer it: ID, flags, and the question when it could be read. */
export interface RejectedQuery {
  readonly id: number;
  readonly opcode: number;
  readonly rd: boolean;
  readonly cd: boolean;
  readonly questionBytes: Uint8Array | undefined;
  /** The client sent an OPT record (an OPT goes back, RFC 6891 §7). */
  readonly edns: boolean;
  readonly dnssecOk: boolean;
  readonly rcode: number;
  readonly why: string;
}

export type Request =
  | { readonly kind: 'query'; readonly query: ClientQuery }
  | { readonly kind: 'reject'; readonly reject: RejectedQuery }
  | { readonly kind: 'drop'; readonly why: string };

/** Meta-types a proxy does not forward (RFC 6895 §3.1: 128-255 are QTYPEs/meta-TYPEs); ANY is forwarded. */
function refusedType(type: number): boolean {
  return type === RRType.AXFR || type === RRType.IXFR || (type >= 128 && type <= 254) || type === RRType.OPT;
}

/** The question section's octets [12, end), when it is one plain uncompressed question. */
function questionSpan(buf: Uint8Array): Uint8Array | undefined {
  if (((buf[4]! << 8) | buf[5]!) !== 1) return undefined;
  try {
    let pos = 12;
    // A question has no earlier name to point to: an uncompressed name only.
    while (pos < buf.length && buf[pos] !== 0) {
      if ((buf[pos]! & 0xc0) !== 0) return undefined;
      pos += 1 + buf[pos]!;
    }
    const { end } = readName(buf, 12);
    if (end !== pos + 1 || end + 4 > buf.length) return undefined;
    return buf.slice(12, end + 4);
  } catch (e) {
    if (e instanceof NameError) return undefined;
    throw e;
  }
}

export function readRequest(buf: Uint8Array): Request {
  if (buf.length < 12) return { kind: 'drop', why: 'shorter than a DNS header' };
  const id = (buf[0]! << 8) | buf[1]!;
  const f = (buf[2]! << 8) | buf[3]!;
  if (f & 0x8000) return { kind: 'drop', why: 'a response (QR=1), not a query' };
  const opcode = (f >> 11) & 0xf;
  const rd = (f & 0x0100) !== 0;
  const cd = (f & 0x0010) !== 0;
  const questionBytes = questionSpan(buf);
  const reject = (rcode: number, why: string, edns = false, dnssecOk = false): Request => ({
    kind: 'reject',
    reject: { id, opcode, rd, cd, questionBytes, edns, dnssecOk, rcode, why },
  });
  let message;
  try {
    message = parseMessage(buf);
  } catch (e) {
    if (!(e instanceof MessageError)) throw e;
    if (opcode !== 0) return reject(Rcode.NOTIMP, `opcode ${opcode} is not QUERY`);
    return reject(Rcode.FORMERR, e.message);
  }
  const edns = message.edns;
  if (opcode !== 0) return reject(Rcode.NOTIMP, `opcode ${opcode} is not QUERY`, edns !== undefined, edns?.dnssecOk ?? false);
  const hasEdns = edns !== undefined;
  const dnssecOk = edns?.dnssecOk ?? false;
  if (message.question.length !== 1 || !questionBytes) return reject(Rcode.FORMERR, `${message.question.length} questions (one expected)`, hasEdns, dnssecOk);
  if (message.answer.length > 0 || message.authority.length > 0) return reject(Rcode.FORMERR, 'records in the answer or authority section of a query', hasEdns, dnssecOk);
  if (edns && edns.version !== 0) return reject(Rcode.BADVERS, `EDNS version ${edns.version}`, true, dnssecOk);
  const question = message.question[0]!;
  if (question.class !== 1) return reject(Rcode.REFUSED, `class ${question.class} (only IN is served)`, hasEdns, dnssecOk);
  if (refusedType(question.type)) return reject(Rcode.REFUSED, `query type ${question.type} is not forwarded`, hasEdns, dnssecOk);
  return {
    kind: 'query',
    query: { id, rd, cd, ad: (f & 0x0020) !== 0, question, questionBytes, edns },
  };
}
