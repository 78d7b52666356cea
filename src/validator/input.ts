/**
 * The question as a caller gives it (a name as text or labels, a type as a mnemonic or number), checked and
 * parsed. Its own small module so that the command line can check a question without loading the validator.
 */
import type { Name } from '../wire/name.js';
import { nameFromInput } from '../wire/idna.js';
import { typeFromText } from '../wire/rrtype.js';

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
