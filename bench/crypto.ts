/**
 * Crypto hot-path benchmark: `npm run bench:crypto`.
 *
 * For each DNSSEC algorithm, verifies of one valid signature over the same ~200-byte signed data, per second:
 *   project = verifySignature() with the default (`auto`) backend: dispatch + key cache + backend;
 *   node    = raw node:crypto: crypto.verify with a prebuilt KeyObject;
 *   noble   = raw @noble/curves verify (0 where noble has no such algorithm: RSA);
 *   ratio   = project / best of (node, noble)  (goal >= 0.95).
 * Then, for information: our pure backend (noble + BigInt RSA) and the project path WITHOUT the key cache, and
 * NSEC3 hashing rates. Measurements are interleaved in short slices and medians are reported, so drift and other
 * load affect all columns alike; the ratio is the median of per-round ratios.
 * RSA keys are 2048 bits (e = 65537), like most DNSSEC RSA keys.
 */
import * as crypto from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { ed448 } from '@noble/curves/ed448.js';
import { p256, p384 } from '@noble/curves/nist.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { backendFor, dnskeyPublicKeyFromJwk, nsec3Hash, verifySignature, type PublicJwk } from '../src/crypto/index.js';
import { buildVerifier } from '../src/crypto/verify.js';

interface Case {
  readonly name: string;
  readonly algorithm: number;
  readonly dnskey: Uint8Array;
  readonly data: Uint8Array;
  readonly signature: Uint8Array;
  readonly rawNode: () => boolean;
  readonly rawNoble: (() => boolean) | undefined;
}

const data = crypto.randomBytes(200);

function rsaCase(name: string, algorithm: number, hash: string): Case {
  const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 65537 });
  const signature = crypto.sign(hash, data, privateKey);
  return {
    name,
    algorithm,
    dnskey: dnskeyPublicKeyFromJwk(publicKey.export({ format: 'jwk' }) as PublicJwk)!,
    data,
    signature,
    rawNode: () => crypto.verify(hash, data, publicKey, signature),
    rawNoble: undefined,
  };
}

function ecdsaCase(name: string, algorithm: number, curve: 'P-256' | 'P-384'): Case {
  const { publicKey, privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: curve });
  const hash = curve === 'P-256' ? 'sha256' : 'sha384';
  const signature = crypto.sign(hash, data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
  const dnskey = dnskeyPublicKeyFromJwk(publicKey.export({ format: 'jwk' }) as PublicJwk)!;
  const sec1 = Uint8Array.from([4, ...dnskey]);
  const nodeKey = { key: publicKey, dsaEncoding: 'ieee-p1363' as const };
  const noble = curve === 'P-256' ? p256 : p384;
  const opts = { lowS: false, prehash: true };
  return {
    name,
    algorithm,
    dnskey,
    data,
    signature,
    rawNode: () => crypto.verify(hash, data, nodeKey, signature),
    rawNoble: () => noble.verify(signature, data, sec1, opts),
  };
}

function eddsaCase(name: string, algorithm: number, type: 'ed25519' | 'ed448'): Case {
  const { publicKey, privateKey } =
    type === 'ed25519' ? crypto.generateKeyPairSync('ed25519') : crypto.generateKeyPairSync('ed448');
  const signature = crypto.sign(null, data, privateKey);
  const dnskey = dnskeyPublicKeyFromJwk(publicKey.export({ format: 'jwk' }) as PublicJwk)!;
  const noble = type === 'ed25519' ? ed25519 : ed448;
  const opts = { zip215: false };
  return {
    name,
    algorithm,
    dnskey,
    data,
    signature,
    rawNode: () => crypto.verify(null, data, publicKey, signature),
    rawNoble: () => noble.verify(signature, data, dnskey, opts),
  };
}

/**
 * Per-slice rates of each function, in operations per CPU-second of this process (process.cpuUsage, user +
 * system): on an idle machine that is the wall-clock rate; on a shared one it is not skewed by time spent
 * waiting for a core. Slices of `sliceMs` (about `totalMs` per function)
 * after a warm-up: rates[f][round]. Every call's result is checked (a benchmark of failing verifies would be
 * meaningless).
 */
function sliceRates(fns: readonly ((() => boolean) | undefined)[], totalMs: number, sliceMs = 25): number[][] {
  const rates: number[][] = fns.map(() => []);
  const run = (i: number, ms: number, record: boolean): void => {
    const fn = fns[i];
    if (fn === undefined) {
      if (record) rates[i]!.push(0);
      return;
    }
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    let n = 0;
    do {
      if (!fn()) throw new Error(`benchmark function ${i} returned false`);
      n++;
    } while (performance.now() - start < ms);
    const cpu = process.cpuUsage(cpuStart);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    if (record && cpuMs > 0) rates[i]!.push((n * 1000) / cpuMs);
  };
  for (let i = 0; i < fns.length; i++) run(i, 150, false); // warm-up (JIT, key cache)
  for (let round = 0; round * sliceMs < totalMs; round++) {
    // Alternate the order so no column always runs right after another.
    for (let j = 0; j < fns.length; j++) run(round % 2 === 0 ? j : fns.length - 1 - j, sliceMs, true);
  }
  return rates;
}

function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Median ops/s of each function (the median keeps bursts of other load on the machine from skewing a column). */
function measure(fns: readonly ((() => boolean) | undefined)[], totalMs: number): number[] {
  return sliceRates(fns, totalMs).map(median);
}

const fmt = (n: number): string => String(Math.round(n));

function main(): void {
  const started = performance.now();
  const cases: Case[] = [
    rsaCase('RSASHA1', 5, 'sha1'),
    rsaCase('RSASHA1-NSEC3-SHA1', 7, 'sha1'),
    rsaCase('RSASHA256', 8, 'sha256'),
    rsaCase('RSASHA512', 10, 'sha512'),
    ecdsaCase('ECDSAP256SHA256', 13, 'P-256'),
    ecdsaCase('ECDSAP384SHA384', 14, 'P-384'),
    eddsaCase('ED25519', 15, 'ed25519'),
    eddsaCase('ED448', 16, 'ed448'),
  ];
  console.log(
    `# verifies per CPU-second, Node ${process.version}, ${data.length}-byte data, RSA 2048-bit: project = verifySignature (auto backend, ` +
      'key cache); node = raw crypto.verify with a prebuilt KeyObject; noble = raw @noble/curves verify (0 = no such ' +
      'algorithm); ratio = project / best raw',
  );
  const info: string[] = [];
  for (const c of cases) {
    const project = (): boolean => verifySignature(c.algorithm, c.dnskey, c.data, c.signature) === 'valid';
    const pure = (): boolean => verifySignature(c.algorithm, c.dnskey, c.data, c.signature, { backend: 'noble' }) === 'valid';
    const backend = backendFor(c.algorithm)!;
    const uncached = (): boolean => {
      const v = buildVerifier(backend, c.algorithm, c.dnskey);
      return typeof v === 'function' && v(c.data, c.signature);
    };
    const [pr = [], nr = [], br = []] = sliceRates([project, c.rawNode, c.rawNoble], 900);
    const [p, n, b] = [median(pr), median(nr), median(br)];
    // Ratio: median over rounds of project / best raw backend in the SAME round (slices run back to back), so
    // load that comes and goes during the run cancels out.
    const best = n >= b ? nr : br;
    const ratio = median(pr.map((x, i) => x / (best[i] ?? Number.NaN)));
    console.log(`${c.name} project=${fmt(p)} node=${fmt(n)} noble=${fmt(b)} ratio=${ratio.toFixed(3)}`);
    const [pp = 0, u = 0] = measure([pure, uncached], 400);
    info.push(`${c.name} default=${backend} pure=${fmt(pp)} uncached=${fmt(u)} cached=${fmt(p)} cache-gain=${(p / u).toFixed(2)}x`);
  }
  console.log('# for information: our pure backend (noble curves + BigInt RSA), and the default path without the key cache');
  for (const line of info) console.log(line);

  // NSEC3: RFC 5155 §5 with a typical owner name, 8-byte salt; per-hash-computation and per-name rates.
  const owner = Uint8Array.from([7, ...Buffer.from('example'), 3, ...Buffer.from('com'), 0]);
  const salt = Uint8Array.from([0xaa, 0xbb, 0xcc, 0xdd, 1, 2, 3, 4]);
  const nobleNsec3 = (iterations: number): Uint8Array => {
    let d = sha1(Uint8Array.from([...owner, ...salt]));
    const scratch = new Uint8Array(20 + salt.length);
    scratch.set(salt, 20);
    for (let k = 0; k < iterations; k++) {
      scratch.set(d, 0);
      d = sha1(scratch);
    }
    return d;
  };
  console.log('# NSEC3 hashes/s (names hashed per second; iterations+1 SHA-1 each): project nsec3Hash vs raw noble sha1 loop');
  for (const iterations of [0, 10, 100]) {
    const [p = 0, b = 0] = measure(
      [() => nsec3Hash(owner, salt, iterations).length === 20, () => nobleNsec3(iterations).length === 20],
      400,
    );
    console.log(`NSEC3-SHA1-iter${iterations} project=${fmt(p)} noble=${fmt(b)}`);
  }
  console.log(`# total ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

main();
