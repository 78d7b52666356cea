/**
 * `dnssec-stub validate NAME [TYPE]`: one question, over the network or
 * replayed from a fixture, printed as text or JSON.
 */
import type { Fixture } from '../fixtures/fixture.js';
import { UpstreamError } from '../types.js';
import type { ValidationResult } from '../validator/result.js';
import { ValidationInputError } from '../validator/validator.js';
import type { ValidateCommand } from './args.js';
import { errorJson, formatText, formatTrace, toJson } from './format.js';
import { EXIT, type CliIo, IoError, UsageError, errorLine, useColor } from './io.js';
import { parseName, parseType } from './question.js';
import { type Session, openSession } from './session.js';
import { runValidateBulk } from './validate-bulk.js';

export function exitCodeOf(result: ValidationResult): number {
  switch (result.status) {
    case 'secure':
      return EXIT.SECURE;
    case 'insecure':
      return EXIT.INSECURE;
    case 'bogus':
      return EXIT.BOGUS;
  }
}

function question(cmd: ValidateCommand, fixture: Fixture | undefined): { name: string; type: string } {
  if (cmd.name !== undefined) return { name: cmd.name, type: cmd.type ?? 'A' };
  const q = fixture?.question;
  const file = cmd.fixtureFile ?? 'fixture';
  if (!q || typeof q.name !== 'string' || typeof q.type !== 'string') throw new UsageError(`missing NAME (the fixture ${file} records no question)`);
  return { name: parseName(q.name), type: parseType(q.type, `${file}: question: `) };
}

/** stdout as the command writes it: a write that fails is an I/O error (exit 74), not an internal one. */
function writeOut(io: CliIo, text: string): void {
  try {
    io.stdout.write(text);
  } catch (e) {
    throw new IoError(`cannot write to standard output: ${errorLine(e)}`);
  }
}

/** No answer at all (exit 3): one line on stderr, and with --json the error object on stdout. */
function noAnswer(io: CliIo, cmd: ValidateCommand, q: { name: string; type: string }, e: UpstreamError): number {
  io.stderr.write(`dnssec-stub: no answer: ${errorLine(e)}\n`);
  if (cmd.json) writeOut(io, errorJson(q.name, q.type, errorLine(e)));
  return EXIT.NO_ANSWER;
}

export async function runValidate(cmd: ValidateCommand, io: CliIo): Promise<number> {
  if (cmd.from !== undefined) return runValidateBulk(cmd, cmd.from, io);
  let session: Session;
  let q: { name: string; type: string } | undefined;
  try {
    session = await openSession(cmd);
  } catch (e) {
    // No resolver to ask at all (an unreadable resolv.conf): no answer, exit 3.
    if (!(e instanceof UpstreamError)) throw e;
    return noAnswer(io, cmd, question(cmd, undefined), e);
  }
  let code: number;
  try {
    q = question(cmd, session.fixture);
    const result = await session.validator.validate(q.name, q.type);
    if (cmd.trace) io.stderr.write(formatTrace(result, session.now, { color: false }));
    writeOut(io, cmd.json ? JSON.stringify(toJson(result)) + '\n' : formatText(result, { color: useColor(io, cmd.noColor) }));
    code = exitCodeOf(result);
  } catch (e) {
    if (e instanceof ValidationInputError) throw new UsageError(errorLine(e));
    if (!(e instanceof UpstreamError) || q === undefined) throw e;
    code = noAnswer(io, cmd, q, e);
  } finally {
    const failed = await session.finish(q ? { question: q } : {});
    if (failed) {
      io.stderr.write(`dnssec-stub: ${failed}\n`);
      code = EXIT.IO;
    }
  }
  return code;
}
