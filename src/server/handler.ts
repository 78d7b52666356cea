/**
 * One client query, decided: validate with the shared validator and turn
 * the verdict into a response (RFC 6840 §5.7-5.9, RFC 8914).
 *
 * - secure: the upstream's records, AD=1 when the client set DO or AD
 *   (RFC 6840 §5.7, §5.8), RRSIG/NSEC/NSEC3 only when it set DO (RFC 4035
 *   §3.2.1). Only what the validator judged goes out under AD: the answer,
 *   and in the authority section the SOA and NSEC/NSEC3 RRsets whose
 *   signatures the proof verified (the verdict's trace lists them); other
 *   authority records and the additional section are left out
 *   (RFC 4035 §3.2.3: AD covers the answer and authority sections).
 * - insecure: the upstream's response as it was, AD=0.
 * - bogus: SERVFAIL with the reason as an Extended DNS Error (RFC 8914).
 * - CD=1 from the client: the upstream's data without validation, AD=0
 *   (RFC 6840 §5.9: the client validates).
 * - no answer from the upstream: SERVFAIL, EDE 22 (no reachable
 *   authority) or EDE 23 (network error).
 *
 * The response is the upstream's own octets with header, question case,
 * TTLs and OPT rewritten when nothing is left out (raw-answer.ts); else it
 * is written from the parsed records. The records sent are the validated
 * message's records when they are
 * exactly the records of the verdict; otherwise (a result answered from the
 * validator's cache after the message was forgotten, or a CNAME chain the
 * validator followed itself) they are rebuilt from the verdict's records.
 */
import { rrsigTypeCovered } from '../dnssec/records.js';
import { EDE, type Reason } from '../types.js';
import type { Message, RR } from '../wire/message.js';
import { nameFromText, nameKey } from '../wire/name.js';
import { RRType, Rcode, rcodeToText, typeFromText, typeToText } from '../wire/rrtype.js';
import { bytesToHex } from '../wire/presentation/encoding.js';
import { TransportError } from '../resolver/transport.js';
import { UpstreamError, type ValidationResult } from '../validator/result.js';
import type { Validator } from '../validator/validator.js';
import { rrsetLabel } from '../validator/reasons.js';
import type { AnswerMemo } from './answer-memo.js';
import type { ClientQuery, RejectedQuery } from './request.js';
import { rawResponse } from './raw-answer.js';
import { type ResponseInit, encodeResponse } from './response.js';

/** TTLs of unvalidated data are passed as they came (RFC 2181 §8: at most 2^31 - 1). */
const NO_CAP = 0x7fffffff;

export type Outcome = 'secure' | 'insecure' | 'bogus' | 'unvalidated' | 'servfail' | 'refused' | 'formerr' | 'notimp' | 'badvers';

export interface Answer {
  readonly outcome: Outcome;
  /** Answered without a new upstream response for the question (validator or response cache). */
  readonly cacheHit: boolean;
  /** The response octets for a client that may receive `limit` octets. */
  response(limit: number): Uint8Array;
  /** For the log: why the answer is bogus or a SERVFAIL. */
  readonly why?: string;
}

export interface HandlerDeps {
  /** The shared validator (replaced when the anchors are re-read). */
  validator(): Validator;
  /** The validator's source, remembering each upstream message. */
  readonly memo: AnswerMemo;
  /** The octets an upstream message came in, when known (answers are then made from them). */
  rawOf?(message: Message): Uint8Array | undefined;
}

/** The response octets: from the upstream's own bytes when they carry exactly what is sent, else written anew. */
function respond(init: ResponseInit, raw: Uint8Array | undefined, ttlCap: number): (limit: number) => Uint8Array {
  return (limit) => (raw && rawResponse(raw, init, ttlCap, limit)) || encodeResponse(init, limit);
}

const DNSSEC_TYPES: ReadonlySet<number> = new Set([RRType.RRSIG, RRType.NSEC, RRType.NSEC3]);
/** Authority records a secure answer keeps: what denial and wildcard proofs are made of. */
const PROOF_TYPES: ReadonlySet<number> = new Set([RRType.SOA, RRType.NSEC, RRType.NSEC3]);

/** "reason (zone z., key tag k)": the EDE EXTRA-TEXT and the log's why. */
export function reasonLine(r: Reason): string {
  const extra = [r.zone !== undefined ? `zone ${r.zone}` : undefined, r.keyTag !== undefined ? `key tag ${r.keyTag}` : undefined].filter(Boolean);
  return extra.length > 0 ? `${r.text} (${extra.join(', ')})` : r.text;
}

function rrKey(name: string, type: string, rdata: Uint8Array): string {
  return `${name.toLowerCase()}|${type}|${bytesToHex(rdata)}`;
}

/** Whether the message's answer holds exactly the verdict's records (RRSIGs aside) and its rcode. */
function sameRecords(message: Message, result: ValidationResult): boolean {
  if (rcodeToText(message.rcode) !== result.rcode) return false;
  const mine = message.answer.filter((rr) => rr.type !== RRType.RRSIG).map((rr) => rrKey(nameKey(rr.name), typeToText(rr.type), rr.rdata));
  const theirs = result.records.map((r) => rrKey(r.name, r.type, r.rdata));
  if (mine.length !== theirs.length) return false;
  mine.sort();
  theirs.sort();
  return mine.every((k, i) => k === theirs[i]);
}

function capTtl(rrs: readonly RR[], ttl: number): RR[] {
  return rrs.map((rr) => (rr.ttl > ttl ? { ...rr, ttl } : rr));
}

function fromResult(result: ValidationResult): RR[] {
  return result.records.map((r) => ({ name: nameFromText(r.name), type: typeFromText(r.type) ?? 0, class: 1, ttl: r.ttl, rdata: r.rdata }));
}

function rcodeOf(text: string): number {
  return (Rcode as Record<string, number>)[text] ?? Rcode.SERVFAIL;
}

function base(q: ClientQuery, rcode: number, ad: boolean): ResponseInit {
  return {
    id: q.id,
    rd: q.rd,
    cd: q.cd,
    ad,
    rcode,
    questionBytes: q.questionBytes,
    ...(q.edns ? { edns: { dnssecOk: q.edns.dnssecOk } } : {}),
  };
}

function failure(q: ClientQuery, outcome: Outcome, code: number, why: string): Answer {
  const init: ResponseInit = { ...base(q, Rcode.SERVFAIL, false), ...(q.edns ? { edns: { dnssecOk: q.edns.dnssecOk, ede: { code, text: why } } } : {}) };
  return { outcome, cacheHit: false, why: `EDE ${code}: ${why}`, response: (limit) => encodeResponse(init, limit) };
}

/** SERVFAIL for a query that got no answer at all: EDE 23 for a network failure, else 22. */
function upstreamFailure(q: ClientQuery, e: UpstreamError): Answer {
  const cause = e.cause;
  const network = cause instanceof TransportError && cause.kind !== 'timeout';
  return failure(q, 'servfail', network ? EDE.NETWORK_ERROR : EDE.NO_REACHABLE_AUTHORITY, e.message);
}

/**
 * The authority RRsets ("owner TYPE", lower case) whose signatures the
 * verdict's denial or wildcard proof verified: what AD may cover there.
 */
function verifiedProofSets(result: ValidationResult): Set<string> {
  const out = new Set<string>();
  for (const step of result.chain) {
    if (step.kind !== 'denial' && step.kind !== 'wildcard') continue;
    for (const sig of step.signatures) if (sig.result === 'valid') out.add(sig.rrset.toLowerCase());
  }
  return out;
}

/**
 * The sections of a response carrying `message` (its records, TTLs capped), as the verdict allows. Under a
 * secure verdict (`verified` given) the authority section keeps only the SOA and NSEC/NSEC3 RRsets the proof
 * verified, with their RRSIGs (RFC 4035 §3.2.3: AD covers the authority section too).
 */
function sections(message: Message, q: ClientQuery, verified: Set<string> | undefined, ttl: number): Pick<ResponseInit, 'answer' | 'authority' | 'additional'> {
  const dnssecOk = q.edns?.dnssecOk ?? false;
  const asked = q.question.type;
  const keep = (rr: RR): boolean => dnssecOk || !DNSSEC_TYPES.has(rr.type) || rr.type === asked;
  const answer = message.answer.filter(keep);
  let authority = message.authority.filter(keep);
  let additional = message.additional.filter(keep);
  if (verified) {
    const judged = (type: number, rr: RR): boolean => PROOF_TYPES.has(type) && verified.has(rrsetLabel(rr.name, type).toLowerCase());
    authority = authority.filter((rr) => judged(rr.type, rr) || (rr.type === RRType.RRSIG && judged(rrsigTypeCovered(rr.rdata) ?? -1, rr)));
    additional = [];
  }
  return { answer: capTtl(answer, ttl), authority: capTtl(authority, ttl), additional: capTtl(additional, ttl) };
}

async function validated(q: ClientQuery, deps: HandlerDeps): Promise<Answer> {
  const { name, type } = q.question;
  const before = deps.memo.get(name, type);
  let result: ValidationResult;
  try {
    result = await deps.validator().validate(name, type);
  } catch (e) {
    if (e instanceof UpstreamError) return upstreamFailure(q, e);
    throw e;
  }
  const latest = deps.memo.get(name, type);
  const cacheHit = latest === undefined || latest === before;
  // A fresh upstream answer is what this verdict was reached on; a cached verdict is answered from the message it was reached on.
  if (!cacheHit && result.status !== 'bogus') deps.memo.pin(name, type, latest);
  const message = cacheHit ? deps.memo.pinned(name, type) : latest;
  if (result.status === 'bogus') {
    const first = result.reasons[0];
    const a = failure(q, 'bogus', first?.ede ?? EDE.DNSSEC_BOGUS, first ? reasonLine(first) : 'DNSSEC bogus');
    return { ...a, cacheHit };
  }
  const secure = result.status === 'secure';
  // AD only for a client that says it understands it (RFC 6840 §5.7, §5.8) and did not set CD.
  const ad = secure && (q.ad || (q.edns?.dnssecOk ?? false));
  if (message && sameRecords(message, result)) {
    const init: ResponseInit = { ...base(q, message.rcode, ad), ...sections(message, q, secure ? verifiedProofSets(result) : undefined, result.ttl) };
    return { outcome: result.status, cacheHit, response: respond(init, deps.rawOf?.(message), result.ttl) };
  }
  const init: ResponseInit = { ...base(q, rcodeOf(result.rcode), ad), answer: fromResult(result) };
  return { outcome: result.status, cacheHit, response: (limit) => encodeResponse(init, limit) };
}

/** CD=1: the upstream's data as it is, not validated, AD=0 (RFC 6840 §5.9). */
async function unvalidated(q: ClientQuery, deps: HandlerDeps): Promise<Answer> {
  let message: Message;
  try {
    message = await deps.memo.query(q.question.name, q.question.type);
  } catch (e) {
    if (e instanceof UpstreamError) return upstreamFailure(q, e);
    throw e;
  }
  const init: ResponseInit = { ...base(q, message.rcode, false), ...sections(message, q, undefined, NO_CAP) };
  return { outcome: 'unvalidated', cacheHit: false, response: respond(init, deps.rawOf?.(message), NO_CAP) };
}

/** Answers a well-formed query. Never rejects: an unexpected failure becomes SERVFAIL with EDE 0. */
export async function answerQuery(q: ClientQuery, deps: HandlerDeps): Promise<Answer> {
  try {
    return q.cd ? await unvalidated(q, deps) : await validated(q, deps);
  } catch (e) {
    return failure(q, 'servfail', EDE.OTHER, `internal error: ${e instanceof Error ? e.message : String(e)}`);
  }
}

const REJECT_OUTCOME: Record<number, Outcome> = { [Rcode.FORMERR]: 'formerr', [Rcode.NOTIMP]: 'notimp', [Rcode.REFUSED]: 'refused', [Rcode.BADVERS]: 'badvers' };

/** The response to a query refused before any work (FORMERR, NOTIMP, REFUSED, BADVERS). */
export function rejectAnswer(r: RejectedQuery): Answer {
  const init: ResponseInit = {
    id: r.id,
    opcode: r.opcode,
    rd: r.rd,
    cd: r.cd,
    ad: false,
    rcode: r.rcode,
    questionBytes: r.questionBytes,
    ...(r.edns ? { edns: { dnssecOk: r.dnssecOk, ...(r.ede !== undefined ? { ede: { code: r.ede, text: r.why } } : {}) } } : {}),
  };
  return { outcome: REJECT_OUTCOME[r.rcode] ?? 'formerr', cacheHit: false, why: r.why, response: (limit) => encodeResponse(init, limit) };
}

/**
 * A query over the proxy's limits (or while it drains) on TCP: SERVFAIL at
 * once, with EDE 0 "Other Error" and the reason as EXTRA-TEXT (RFC 8914
 * §4.1; no code names overload). Unbound turns queries over its `ratelimit`
 * away with SERVFAIL (unbound.conf(5) "ratelimit"); over its in-flight
 * limits it drops them (services/mesh.c mesh_new_client,
 * comm_point_drop_reply), which over TCP closes the whole connection
 * (util/netevent.c reclaim_tcp_handler) and loses the other queries
 * pipelined on it. Silence on a stream leaves the client waiting for its
 * timeout (a UDP client retries; over UDP the proxy still drops).
 */
export function busyAnswer(q: ClientQuery, why: string): Answer {
  const init: ResponseInit = {
    id: q.id,
    rd: q.rd,
    cd: q.cd,
    ad: false,
    rcode: Rcode.SERVFAIL,
    questionBytes: q.questionBytes,
    ...(q.edns ? { edns: { dnssecOk: q.edns.dnssecOk, ede: { code: EDE.OTHER, text: why } } } : {}),
  };
  return { outcome: 'servfail', cacheHit: false, why, response: (limit) => encodeResponse(init, limit) };
}
