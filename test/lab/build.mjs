// Builds the lab's zones into <runDir>/zones: generates keys with dnssec-keygen,
// signs with dnssec-signzone (ldns-signzone only for NSEC3 iterations above
// 150, which BIND 9.18 refuses), breaks the bogus zones on purpose, and writes
// the root trust anchor as DS, DNSKEY, IANA root-anchors.xml and a delv file.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ZONES, labelCount, parentZone, serverAddress } from './tree.mjs';

const ALGORITHM_NAMES = {
  5: 'RSASHA1',
  7: 'NSEC3RSASHA1',
  8: 'RSASHA256',
  10: 'RSASHA512',
  13: 'ECDSAP256SHA256',
  14: 'ECDSAP384SHA384',
  15: 'ED25519',
  16: 'ED448',
};
const RSA_ALGORITHMS = new Set([5, 7, 8, 10]);
const DAY = 86_400;

function run(cmd, args, opts = {}) {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  } catch (err) {
    const stderr = err.stderr ? String(err.stderr).trim() : '';
    throw new Error(`lab build: ${cmd} ${args.join(' ')} failed: ${stderr || err.message}`);
  }
}

/** YYYYMMDDHHMMSS in UTC, the date form both signers accept. */
function signerDate(seconds) {
  return new Date(seconds * 1000).toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** Inception and expiration for a zone's signatures, relative to `nowSeconds`. */
function signatureWindow(window, nowSeconds) {
  switch (window) {
    case 'fresh':
      return { start: nowSeconds - 3600, end: nowSeconds + 30 * DAY };
    case 'expired':
      return { start: nowSeconds - 60 * DAY, end: nowSeconds - 30 * DAY };
    case 'notyet':
      return { start: nowSeconds + 365 * DAY, end: nowSeconds + 395 * DAY };
    default:
      throw new Error(`lab build: unknown signature window ${window}`);
  }
}

export function zoneFileName(name) {
  return name === '.' ? 'root.zone' : `${name}zone`;
}

function generateKey(keyDir, zoneName, alg, ksk) {
  const args = ['-q', '-K', keyDir, '-a', ALGORITHM_NAMES[alg], '-n', 'ZONE'];
  if (RSA_ALGORITHMS.has(alg)) args.push('-b', '2048');
  if (ksk) args.push('-f', 'KSK');
  args.push(zoneName);
  return run('dnssec-keygen', args).trim();
}

/** The DNSKEY line of a BIND .key file (its other lines are comments). */
function dnskeyLine(keyDir, base) {
  const line = readFileSync(join(keyDir, `${base}.key`), 'utf8')
    .split('\n')
    .find((l) => l.trim() !== '' && !l.startsWith(';'));
  if (!line) throw new Error(`lab build: no DNSKEY in ${base}.key`);
  return line.trim();
}

/** SHA-256 DS rdata ("tag alg 2 HEX") for the key file `base`. */
function dsRdata(keyDir, base) {
  const out = run('dnssec-dsfromkey', ['-2', join(keyDir, `${base}.key`)]).trim();
  const m = /\sDS\s+(\d+\s+\d+\s+\d+\s+[0-9A-Fa-f]+)$/.exec(out);
  if (!m) throw new Error(`lab build: unexpected dnssec-dsfromkey output: ${out}`);
  return m[1];
}

/** One RR per line as dnssec-signzone -O full and ldns-signzone print them. */
export function parseSignedZone(text) {
  const rrs = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith(';')) continue;
    const m = /^(\S+)\s+(\d+)\s+IN\s+(\S+)\s+(.*)$/.exec(line);
    if (!m) throw new Error(`lab build: cannot parse signed zone line: ${line}`);
    rrs.push({ owner: m[1].toLowerCase(), ttl: Number(m[2]), type: m[3], rdata: m[4].trim() });
  }
  return rrs;
}

function formatZone(rrs) {
  return rrs.map((rr) => `${rr.owner} ${rr.ttl} IN ${rr.type} ${rr.rdata}`).join('\n') + '\n';
}

/** The unsigned zone text: SOA, NS with in-zone address, the zone's records, delegations. */
function unsignedZoneText(z, delegations) {
  const addr = serverAddress(labelCount(z.name));
  const ns = z.name === '.' ? 'ns1.' : 'ns1';
  return [
    `$ORIGIN ${z.name}`,
    '$TTL 300',
    `@ SOA ${ns} hostmaster.${z.name === '.' ? '' : z.name} 1 3600 600 86400 300`,
    `@ NS ${ns}`,
    `${ns} A ${addr}`,
    ...z.records,
    ...delegations,
    '',
  ].join('\n');
}

function signWithBind(z, dir, keyDir, keys, inFile, outFile, window) {
  const args = ['-q', '-K', keyDir, '-o', z.name, '-f', outFile, '-O', 'full'];
  args.push('-s', signerDate(window.start), '-e', signerDate(window.end));
  // Post-sign verification checks signatures against the current time; it
  // rightly fails for the expired and not-yet-valid zones.
  if (z.window !== 'fresh') args.push('-P');
  if (z.denial.kind === 'nsec3') {
    args.push('-3', z.denial.salt, '-H', String(z.denial.iterations));
    if (z.denial.optOut) args.push('-A');
  }
  args.push(inFile, keys.ksk, keys.zsk);
  run('dnssec-signzone', args, { cwd: dir });
}

function signWithLdns(z, dir, keyDir, keys, inFile, outFile, window) {
  if (z.denial.kind !== 'nsec3') throw new Error('lab build: ldns signer is only used for NSEC3');
  const args = ['-i', signerDate(window.start), '-e', signerDate(window.end), '-o', z.name, '-f', outFile];
  args.push('-n', '-t', String(z.denial.iterations));
  if (z.denial.salt !== '-') args.push('-s', z.denial.salt);
  if (z.denial.optOut) args.push('-p');
  args.push(inFile, join(keyDir, keys.ksk), join(keyDir, keys.zsk));
  run('ldns-signzone', args, { cwd: dir });
}

function ianaRootAnchorsXml(ds, dnskeyLineText, now) {
  const [tag, alg, digestType, digest] = ds.split(/\s+/);
  const fields = dnskeyLineText.split(/\s+/);
  const dnskeyAt = fields.indexOf('DNSKEY');
  const flags = fields[dnskeyAt + 1];
  const publicKey = fields.slice(dnskeyAt + 4).join('');
  const validFrom = new Date(now * 1000).toISOString().replace(/\.\d+Z$/, '+00:00');
  // Layout of https://data.iana.org/root-anchors/root-anchors.xml (RFC 9718 §2).
  return `<?xml version="1.0" encoding="UTF-8"?>
<TrustAnchor id="dnssec-stub-lab" source="test/lab/build.mjs">
<Zone>.</Zone>
<KeyDigest id="Klab-${tag}" validFrom="${validFrom}">
<KeyTag>${tag}</KeyTag>
<Algorithm>${alg}</Algorithm>
<DigestType>${digestType}</DigestType>
<Digest>${digest}</Digest>
<PublicKey>${publicKey}</PublicKey>
<Flags>${flags}</Flags>
</KeyDigest>
</TrustAnchor>
`;
}

/**
 * Builds every zone of the tree into <runDir>/zones and the root anchors into
 * <runDir>/anchors. Returns the paths and per-zone facts (key tags, DS).
 */
export function buildLab(runDir, nowSeconds = Math.floor(Date.now() / 1000)) {
  const zonesDir = join(runDir, 'zones');
  const keysDir = join(runDir, 'keys');
  const anchorsDir = join(runDir, 'anchors');
  for (const d of [zonesDir, keysDir, anchorsDir]) {
    rmSync(d, { recursive: true, force: true });
    mkdirSync(d, { recursive: true });
  }
  const unsignedDir = join(zonesDir, 'unsigned');
  mkdirSync(unsignedDir);

  const built = new Map(); // zone name -> { kskDs, strayDs, keys }
  const byDepth = [...ZONES].sort((a, b) => labelCount(b.name) - labelCount(a.name));
  for (const z of byDepth) {
    const delegations = [];
    for (const child of ZONES.filter((c) => parentZone(c.name) === z.name)) {
      delegations.push(`${child.name} NS ns1.${child.name}`, `ns1.${child.name} A ${serverAddress(labelCount(child.name))}`);
      const facts = built.get(child.name);
      if (!facts) throw new Error(`lab build: child ${child.name} not built before ${z.name}`);
      for (const ds of facts.parentDs) delegations.push(`${child.name} DS ${ds}`);
    }

    const text = unsignedZoneText(z, delegations);
    const file = zoneFileName(z.name);
    if (z.alg === null) {
      writeFileSync(join(zonesDir, file), text);
      built.set(z.name, { parentDs: [] });
      continue;
    }

    const keyDir = join(keysDir, z.name === '.' ? 'root' : z.name.replace(/\.$/, ''));
    mkdirSync(keyDir, { recursive: true });
    const keys = { ksk: generateKey(keyDir, z.name, z.alg, true), zsk: generateKey(keyDir, z.name, z.alg, false) };
    const inFile = join(unsignedDir, file);
    const keyLines = z.signer === 'bind' ? [dnskeyLine(keyDir, keys.ksk), dnskeyLine(keyDir, keys.zsk)] : [];
    writeFileSync(inFile, text + keyLines.join('\n') + '\n');
    const signedFile = join(unsignedDir, `${file}.signed`);
    const window = signatureWindow(z.window, nowSeconds);
    if (z.signer === 'ldns') signWithLdns(z, unsignedDir, keyDir, keys, inFile, signedFile, window);
    else signWithBind(z, unsignedDir, keyDir, keys, inFile, signedFile, window);

    let rrs = parseSignedZone(readFileSync(signedFile, 'utf8'));
    if (z.mutate) rrs = z.mutate(rrs);
    writeFileSync(join(zonesDir, file), formatZone(rrs));

    const kskDs = dsRdata(keyDir, keys.ksk);
    let parentDs = [];
    if (z.ds === 'auto') parentDs = [kskDs];
    else if (typeof z.ds === 'function') {
      // A key of the zone's algorithm that the zone never publishes.
      const strayDir = join(keyDir, 'stray');
      mkdirSync(strayDir);
      const strayDs = dsRdata(strayDir, generateKey(strayDir, z.name, z.alg, true));
      parentDs = z.ds({ kskDs, strayDs });
    }
    built.set(z.name, { parentDs, kskDs, keys, keyDir });
  }

  const root = built.get('.');
  const rootDnskey = dnskeyLine(root.keyDir, root.keys.ksk);
  const [tag, alg, digestType, digest] = root.kskDs.split(/\s+/);
  const anchors = {
    ds: join(anchorsDir, 'root-anchor.ds'),
    dnskey: join(anchorsDir, 'root-anchor.dnskey'),
    xml: join(anchorsDir, 'root-anchors.xml'),
    delv: join(anchorsDir, 'delv-anchor.conf'),
  };
  writeFileSync(anchors.ds, `. IN DS ${root.kskDs}\n`);
  writeFileSync(anchors.dnskey, `${rootDnskey.replace(/^\.\s+(\d+\s+)?IN\s+/, '. IN ')}\n`);
  writeFileSync(anchors.xml, ianaRootAnchorsXml(root.kskDs, rootDnskey, nowSeconds));
  // BIND 9.18 trust-anchors statement; delv treats static-ds as a fixed anchor.
  writeFileSync(anchors.delv, `trust-anchors {\n  . static-ds ${tag} ${alg} ${digestType} "${digest}";\n};\n`);
  return { zonesDir, anchors, rootKeyTag: Number(tag) };
}
