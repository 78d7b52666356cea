/**
 * The question as a caller gives it (a name as text or labels, a type as a mnemonic or number), checked and
 * parsed. Its own small module so that the command line can check a question without loading the validator.
 */
import type { Name } from '../wire/name.js';
import { nameFromInput } from '../wire/idna.js';
import { typeFromText, typeToText } from '../wire/rrtype.js';
import { validatableTypeProblem } from '../dnssec/question-type.js';

export class ValidationInputError extends Error {
  override name = 'ValidationInputError';
}

/** Parses a name given as text (non-ASCII as A-labels, the empty name refused: wire/idna.ts) or labels. */
export function toName(name: string | Name): Name {
  if (typeof name !== 'string') return name;
  try {
    return nameFromInput(name);
  } catch (e) {
    throw new ValidationInputError(`invalid domain name ${JSON.stringify(name)}: ${(e as Error).message}`);
  }
}

/** Parses a type given as a mnemonic, TYPEnnn or a number. */
export function toType(type: string | number): number {
  if (typeof type === 'number') {
    if (Number.isInteger(type) && type >= 0 && type <= 0xffff) return type;
    throw new ValidationInputError(`invalid RR type ${type}`);
  }
  const t = typeFromText(type);
  if (t === undefined) throw new ValidationInputError(`unknown RR type ${JSON.stringify(type)}`);
  return t;
}

/**
 * The type of a question validate() answers: toType, and the types no verdict can be given on refused with the reason
 * (src/dnssec/question-type.ts: meta-types, TYPE0, RRSIG), as the command line and serve refuse them. ANY is the one
 * exception: the library validates the upstream's answer to it like any other, as serve does for its clients (README
 * "dnssec-stub serve"): secure says the records sent are authentic, not that they are all the name holds.
 */
export function toQuestionType(type: string | number): number {
  const t = toType(type);
  const problem = validatableTypeProblem(t);
  if (problem !== undefined) throw new ValidationInputError(`cannot validate type ${typeToText(t)}: ${problem}`);
  return t;
}
