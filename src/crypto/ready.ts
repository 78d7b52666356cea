/**
 * The public face of crypto/_noble.ts's asynchronous loading, in a module of its own so that the published
 * declarations do not name @noble's ES modules (a CommonJS TypeScript consumer would have to resolve them).
 */
import { startPureCryptoLoad } from './_noble.js';

/**
 * Undefined where the pure backend (noble) loads synchronously on demand: Node, Deno, Bun. Elsewhere (a browser
 * bundle, where there is no `require`), a promise that settles once it is loaded; call it once before
 * `verifySignature`, `dsDigest` or `nsec3Hash` there (the Validator does this itself). Never rejects: what fails to
 * load stays unavailable and the verifications that need it fail closed.
 */
export function pureCryptoReady(): Promise<void> | undefined {
  return startPureCryptoLoad();
}
