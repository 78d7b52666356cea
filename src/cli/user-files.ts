/**
 * The files every command that asks an upstream (validate, mail, serve,
 * doctor) may be given, read the same way everywhere:
 * - --trust-anchor: each file read once, in the order given, their anchors
 *   merged; none given: the shipped root anchors;
 * - --ca: checked readable before any query (the transports read it only
 *   when connecting).
 * A file that cannot be read or parsed is a usage error (exit 64) naming the
 * file (and the line, where the parser knows it).
 */
import { accessSync, constants } from 'node:fs';
import { AnchorFileError, DEFAULT_ROOT_ANCHORS_PATH, type TrustAnchor } from '../dnssec/anchors.js';
import { UsageError, errorLine } from './io.js';

/** The files to read: each once, in order; none: the shipped root anchors. */
export function anchorFiles(files: readonly string[]): string[] {
  return files.length > 0 ? [...new Set(files)] : [DEFAULT_ROOT_ANCHORS_PATH];
}

/**
 * Reads every file with `read` (loadTrustAnchorFile at a time, or
 * loadTrustAnchorWindows for a long-running proxy) and merges the anchors.
 */
export function readAnchorFiles(files: readonly string[], read: (file: string) => TrustAnchor[]): TrustAnchor[] {
  return anchorFiles(files).flatMap((file) => {
    try {
      return read(file);
    } catch (e) {
      if (e instanceof AnchorFileError) throw new UsageError(errorLine(e));
      throw e;
    }
  });
}

/** --ca FILE must be readable: checked now, as a usage error, not at the first TLS connection. */
export function checkCaFile(file: string | undefined): void {
  if (file === undefined) return;
  try {
    accessSync(file, constants.R_OK);
  } catch (e) {
    throw new UsageError(`--ca ${file}: cannot read: ${errorLine(e)}`);
  }
}
