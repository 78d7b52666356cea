/**
 * Optional access to node:crypto. Loaded through `process.getBuiltinModule` (Node >= 20.16) instead of a static
 * import so that this module also loads where node:crypto does not exist; there `nodeCrypto` is undefined and
 * every caller falls back to the pure (noble) backend.
 */
import type * as NodeCryptoModule from 'node:crypto';

export type NodeCrypto = typeof NodeCryptoModule;

function loadNodeCrypto(): NodeCrypto | undefined {
  try {
    const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    const mod = proc?.getBuiltinModule?.('node:crypto') as NodeCrypto | undefined;
    return mod !== undefined && typeof mod.verify === 'function' ? mod : undefined;
  } catch {
    return undefined;
  }
}

/** node:crypto, or undefined when this runtime has none. */
export const nodeCrypto: NodeCrypto | undefined = loadNodeCrypto();
