/**
 * Names given to the library as text (Validator.validate): the same front
 * door as the command line (src/wire/idna.ts). A non-ASCII name is asked as
 * its A-label (RFC 5890 §2.3.2.1), never as Latin-1 octets; the empty name is
 * refused rather than taken for the root.
 */
import { describe, expect, it } from 'vitest';
import { ValidationInputError, toName } from '../../src/validator/validator.js';
import { nameToText } from '../../src/wire/name.js';

describe('names given to the library as text', () => {
  it('a non-ASCII name becomes its A-label', () => {
    expect(nameToText(toName('bücher.lab'))).toBe('xn--bcher-kva.lab.');
  });

  it('an ASCII name is kept as given, with or without the trailing dot', () => {
    expect(nameToText(toName('Mail.Lab'))).toBe('Mail.Lab.');
    expect(nameToText(toName('mail.lab.'))).toBe('mail.lab.');
  });

  it.each([
    ['', /empty name/],
    ['a'.repeat(64) + '.lab', /label/],
    ['bü%41cher.lab', /internationalized/],
  ])('%j is a ValidationInputError', (text, message) => {
    expect(() => toName(text)).toThrow(ValidationInputError);
    expect(() => toName(text)).toThrow(message);
  });
});
