/**
 * `dnssec-stub validate --from FILE|-`: one `NAME [TYPE]` per line through
 * one validator, output in input order (JSON Lines with --json: the object
 * of `validate --json` per line; an error line is
 * `{"status":"error","name":...,"type":...,"error":...}`).
 */
import { UpstreamError } from '../validator/result.js';
import { typeFromText, typeToText } from '../wire/rrtype.js';
import type { ValidateCommand } from './args.js';
import { type BulkIo, type BulkResult, readEntries, runBulk } from './bulk.js';
import { formatText, toJson } from './format.js';
import { type CliIo, EXIT } from './io.js';
import { DEFAULT_CONCURRENCY } from './args.js';
import { RUN_RESULT_CACHE, openSession } from './session.js';

function errorResult(entry: string, message: string): BulkResult {
  const [name, type] = entry.split(/\s+/);
  return { status: 'error', json: { status: 'error', name: name ?? entry, type: type ?? 'A', error: message }, text: `;; ${entry}\n; error: ${message}\n` };
}

export async function runValidateBulk(cmd: ValidateCommand, from: string, io: CliIo): Promise<number> {
  const entries = await readEntries(from, io as BulkIo);
  const session = await openSession(cmd, { resultCacheSize: RUN_RESULT_CACHE });
  const work = async (entry: string): Promise<BulkResult> => {
    const fields = entry.split(/\s+/);
    if (fields.length > 2) throw new Error(`expected NAME [TYPE], got ${JSON.stringify(entry)}`);
    const typeCode = typeFromText(fields[1] ?? 'A');
    if (typeCode === undefined) throw new Error(`unknown RR type ${JSON.stringify(fields[1])}`);
    const type = typeToText(typeCode);
    try {
      const result = await session.validator.validate(fields[0]!, type);
      return { status: result.status, json: toJson(result), text: `;; ${result.name} ${result.type}\n${formatText(result, { color: false })}` };
    } catch (e) {
      if (e instanceof UpstreamError) throw new Error(`no answer: ${e.message}`);
      throw e;
    }
  };
  let code: number = EXIT.INTERNAL;
  try {
    code = await runBulk({ entries, concurrency: cmd.concurrency ?? DEFAULT_CONCURRENCY, json: cmd.json, work, errorResult }, io as BulkIo);
  } finally {
    const failed = await session.finish({});
    if (failed) {
      io.stderr.write(`dnssec-stub: ${failed}\n`);
      code = EXIT.IO;
    }
  }
  return code;
}

