/**
 * The validation time as the public functions take it: unix seconds.
 * Checked where a caller hands it in, because a wrong unit does not fail
 * loudly on its own — it silently keeps or drops the wrong trust anchors
 * (RFC 9718 §2.3 validFrom/validUntil) or signatures (RFC 4035 §5.3.1).
 */
import { ConfigError, describeValue } from '../errors.js';

/**
 * 1e11 unix seconds is the year 5138, while Date.now() (milliseconds) has
 * been above 1e12 since 2001: a value at or above this bound is
 * milliseconds given by mistake.
 */
export const MAX_UNIX_SECONDS = 1e11;

/**
 * `now` as a finite, non-negative number of unix seconds below
 * MAX_UNIX_SECONDS, or the current time when undefined. Anything else (a
 * Date, a string, NaN, milliseconds) is a ConfigError naming `fn`.
 */
export function checkUnixSeconds(now: unknown, fn: string): number {
  if (now === undefined) return Math.floor(Date.now() / 1000);
  if (typeof now !== 'number' || !Number.isFinite(now) || now < 0) {
    throw new ConfigError(`${fn}: now must be a finite number of unix seconds (Math.floor(Date.now() / 1000)), not ${describeValue(now)}`);
  }
  if (now >= MAX_UNIX_SECONDS) {
    throw new ConfigError(`${fn}: now ${now} looks like milliseconds; give unix seconds (Math.floor(Date.now() / 1000))`);
  }
  return now;
}
