/**
 * The question on the command line: NAME and TYPE, checked before any
 * query. Names with non-ASCII characters become their A-labels (IDNA, as
 * node:url domainToASCII); an empty name, "-", an over-long label (> 63
 * octets) or name (> 255 octets on the wire) is refused; so are the
 * meta-types and RRSIG (src/dnssec/question-type.ts says why).
 */
import { questionTypeProblem } from '../dnssec/question-type.js';
import { nameFromInput } from '../wire/idna.js';
import { NameError, nameToText } from '../wire/name.js';
import { typeFromText, typeToText } from '../wire/rrtype.js';
import { UsageError, tooManyArguments } from './io.js';

/** NAME as typed → its presentation form (absolute, A-labels). Throws UsageError. */
export function parseName(text: string): string {
  if (text === '') throw new UsageError('empty NAME: give a domain name (the root is ".")');
  if (text === '-') throw new UsageError('"-" is not a domain name (to read names from standard input: --from -)');
  try {
    return nameToText(nameFromInput(text));
  } catch (e) {
    if (e instanceof NameError) throw new UsageError(`invalid domain name ${JSON.stringify(text)}: ${e.message}`);
    throw e;
  }
}

/** TYPE as typed (mnemonic or TYPEnnn) → its mnemonic. Throws UsageError for unknown and refused types. */
export function parseType(text: string, where = ''): string {
  const type = typeFromText(text);
  if (type === undefined) throw new UsageError(`${where}unknown RR type ${JSON.stringify(text)} (a mnemonic such as MX, or TYPEnnn)`);
  const problem = questionTypeProblem(type);
  if (problem !== undefined) throw new UsageError(`${where}cannot validate type ${typeToText(type)}: ${problem}`);
  return typeToText(type);
}

/** The question: NAME (checked as a domain name) and TYPE (mnemonic or TYPEnnn). */
export function parseQuestion(positionals: readonly string[], fixture: boolean): { name: string | undefined; type: string | undefined } {
  if (positionals.length > 2) throw tooManyArguments(positionals.slice(2), 'NAME [TYPE]');
  const [nameText, typeText] = positionals;
  if (nameText === undefined) {
    if (fixture) return { name: undefined, type: undefined };
    throw new UsageError('missing NAME (dnssec-stub validate NAME [TYPE])');
  }
  const name = parseName(nameText);
  return { name, type: typeText === undefined ? undefined : parseType(typeText) };
}
