// The lab's fake DNS tree: which zones exist, how each is signed, and what is
// broken on purpose. Pure data plus small edit functions; build.mjs does the work.
//
// Every zone is served by the NSD instance for its depth (number of labels):
// depth 0 (".") at 127.77.0.1, depth 1 (TLDs) at 127.77.1.1, depth 2 at
// 127.77.2.1, depth 3 at 127.77.3.1. A parent and its child are therefore never
// on the same server, so referrals and DS queries go where a real resolver
// expects them (RFC 4035 §3.1.4.1: DS is answered by the parent side).

/**
 * The lab's /16 on loopback: 127.77 unless DNSSEC_LAB_NET names another
 * (for example 127.81), so that labs of two checkouts on one machine do not
 * collide. Each checkout keeps its own run directory (test/lab/run).
 */
export const LAB_NET = labNet(process.env.DNSSEC_LAB_NET);

function labNet(value) {
  if (value === undefined || value === '') return '127.77';
  const m = /^127\.(\d{1,3})$/.exec(value);
  if (!m || Number(m[1]) > 255 || Number(m[1]) === 0) throw new Error(`DNSSEC_LAB_NET=${value}: expected 127.N with N in 1..255`);
  return value;
}

/** Loopback address of the authoritative server for zones with `depth` labels. */
export function serverAddress(depth) {
  return `${LAB_NET}.${depth}.1`;
}

export const RESOLVER_ADDRESS = `${LAB_NET}.0.53`;
export const RESOLVER_PORT = 53;
export const DOT_PORT = 853;
export const DOH_PORT = 443;
export const DOH_PATH = '/dns-query';
export const TLS_NAME = 'resolver.lab';

const TLSA_DIGEST = 'a9c5a31fbc61fc8b4f4bda39bbfce50beb7bb8b0b1f6c1c1a2d2b1fd0a2e3e4f';

const DKIM_ED25519 = '11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=';

/** dane.lab.: the mail cases (RFC 5321 MX, RFC 7505 null MX, RFC 7672 DANE, RFC 7208 SPF, RFC 7489 DMARC, RFC 8461 MTA-STS, RFC 8460 TLS-RPT). */
const DANE_RECORDS = [
  // good: two MX hosts with usable TLSA (3 1 1 and 2 0 1), every policy record.
  'good MX 10 mx.good',
  'good MX 20 mx2.good',
  'mx.good A 127.0.0.25',
  'mx2.good A 127.0.0.26',
  `_25._tcp.mx.good TLSA 3 1 1 ${TLSA_DIGEST}`,
  `_25._tcp.mx2.good TLSA 2 0 1 ${TLSA_DIGEST}`,
  'good TXT "v=spf1 mx " "-all"',
  '_dmarc.good TXT "v=DMARC1; p=reject; rua=mailto:dmarc@good.dane.lab"',
  '_mta-sts.good TXT "v=STSv1; id=20240101T000000"',
  '_smtp._tls.good TXT "v=TLSRPTv1; rua=mailto:tlsrpt@good.dane.lab"',
  `sel1._domainkey.good TXT "v=DKIM1; k=ed25519; p=${DKIM_ED25519}"`,
  // notlsa: signed host, TLSA securely absent.
  'notlsa MX 10 mx.notlsa',
  'mx.notlsa A 127.0.0.27',
  // cnamed: the MX host is a CNAME to mx.good (RFC 7672 §2.2.3: TLSA base domain after expansion).
  'cnamed MX 10 alias.cnamed',
  'alias.cnamed CNAME mx.good',
  // pkix: only PKIX usages 0 and 1 (RFC 7672 §3.1.3: unusable for SMTP).
  'pkix MX 10 mx.pkix',
  'mx.pkix A 127.0.0.28',
  `_25._tcp.mx.pkix TLSA 0 0 1 ${TLSA_DIGEST}`,
  `_25._tcp.mx.pkix TLSA 1 1 1 ${TLSA_DIGEST}`,
  // badlen: a SHA-256 association of 16 octets (RFC 7671 §5.1 / RFC 6698 §2.1.3: unusable).
  'badlen MX 10 mx.badlen',
  'mx.badlen A 127.0.0.29',
  `_25._tcp.mx.badlen TLSA 3 1 1 ${TLSA_DIGEST.slice(0, 32)}`,
  // tounsigned: a secure MX to a host in the unsigned zone unsigned.lab.
  'tounsigned MX 10 mx1.unsigned.lab.',
  // tobogus: a secure MX to a host whose TLSA is bogus (badsig.lab.).
  'tobogus MX 10 mx1.badsig.lab.',
  // nullmx: RFC 7505 null MX.
  'nullmx MX 0 .',
  'nullmx TXT "v=spf1 -all"',
  // implicit: no MX, the domain is its own host (RFC 5321 §5.1) with TLSA (RFC 7672 §2.2.2).
  'implicit A 127.0.0.30',
  `_25._tcp.implicit TLSA 3 1 1 ${TLSA_DIGEST}`,
  // twospf: two v=spf1 records (RFC 7208 §4.5: permerror).
  'twospf MX 10 mx.good',
  'twospf TXT "v=spf1 -all"',
  'twospf TXT "v=spf1 mx -all"',
  // nohost: the first MX host does not exist (RFC 5321 §5.1: nothing to connect to); the second carries the mail.
  'nohost MX 10 gone.nohost',
  'nohost MX 20 mx.good',
  // cnameout: the MX host is a CNAME out of the signed tree into unsigned.lab. (RFC 7672 §2.2.3: the chain is not
  // secure, so no TLSA is used — not even the secure one published at the alias name itself).
  'cnameout MX 10 alias.cnameout',
  'alias.cnameout CNAME mx1.unsigned.lab.',
  `_25._tcp.alias.cnameout TLSA 3 1 1 ${TLSA_DIGEST}`,
  // mixtls: one host with only unusable TLSA (encrypt), one with usable TLSA (required).
  'mixtls MX 10 mx.pkix',
  'mixtls MX 20 mx.good',
];

/** bulk.lab.: d0000..d0999, each with an MX to one host with TLSA, SPF and DMARC. */
const BULK_RECORDS = [
  'mx A 127.0.0.31',
  `_25._tcp.mx TLSA 3 1 1 ${TLSA_DIGEST}`,
  ...Array.from({ length: 1000 }, (_, i) => {
    const d = `d${String(i).padStart(4, '0')}`;
    return [`${d} MX 10 mx`, `${d} TXT "v=spf1 mx -all"`, `_dmarc.${d} TXT "v=DMARC1; p=none"`];
  }).flat(),
];

/**
 * pos.lab. (NSEC) and pos3.lab. (NSEC3): p0000..p2999, each a name of its own
 * with an A record, for bench:bulk's positive answers at names asked once.
 */
export const POSITIVE_NAMES = 3000;
const POSITIVE_RECORDS = Array.from({ length: POSITIVE_NAMES }, (_, i) => `p${String(i).padStart(4, '0')} A 127.0.0.50`);

/** Records every signed leaf zone carries, so `www.<zone> A` always exists. */
const LEAF = ['www A 127.0.0.10', 'www TXT "lab leaf"'];

/**
 * Zone options:
 *   name      absolute, lower case, with trailing dot
 *   alg       DNSKEY algorithm number, or null for an unsigned zone
 *   denial    { kind: 'nsec' } | { kind: 'nsec3', salt: '-'|hex, iterations, optOut }
 *   signer    'bind' (dnssec-signzone) | 'ldns' (ldns-signzone, for what BIND refuses)
 *   window    'fresh' | 'expired' | 'notyet'
 *   ds        how the parent publishes DS: 'auto' (SHA-256 of the KSK), 'none',
 *             or a function (ctx) => DS rdata strings (ctx: { kskDs, strayDs })
 *   records   zone-file lines relative to the origin
 *   mutate    (rrs) => rrs, applied to the signed zone (array of parsed RRs)
 */
function zone(name, opts = {}) {
  return {
    name,
    alg: 13,
    denial: { kind: 'nsec' },
    signer: 'bind',
    window: 'fresh',
    ds: 'auto',
    records: [],
    mutate: null,
    ...opts,
  };
}

const NSEC3_PLAIN = { kind: 'nsec3', salt: '-', iterations: 0, optOut: false };

/** Removes every RR of `type` at `owner` (any owner when null) plus the RRSIGs covering it. */
export function withoutRRset(rrs, type, owner = null) {
  return rrs.filter((rr) => {
    if (owner !== null && rr.owner !== owner) return true;
    if (rr.type === type) return false;
    if (rr.type === 'RRSIG' && rr.rdata.split(/\s+/)[0] === type) return false;
    return true;
  });
}

/** Replaces the RDATA of the RR at `owner`/`type` whose RDATA is `from` (spacing and hex case ignored). */
function replaceRdata(rrs, owner, type, from, to) {
  const norm = (s) => s.replace(/\s+/g, '').toLowerCase();
  let hits = 0;
  const out = rrs.map((rr) => {
    if (rr.owner === owner && rr.type === type && norm(rr.rdata) === norm(from)) {
      hits += 1;
      return { ...rr, rdata: to };
    }
    return rr;
  });
  if (hits !== 1) throw new Error(`lab tree: expected one ${owner} ${type} ${from}, found ${hits}`);
  return out;
}

export const ZONES = [
  // Root and TLDs. The root uses RSASHA256 like the real root.
  zone('.', { alg: 8 }),
  zone('lab.', { records: ['www A 127.0.0.1'] }),
  zone('lab3.', { denial: { kind: 'nsec3', salt: '-', iterations: 0, optOut: true }, records: ['www A 127.0.0.1'] }),
  zone('nosig.', { alg: null, records: ['www A 127.0.0.30'] }),

  // One zone per algorithm (RFC 8624 §3.1 lists what validators implement).
  zone('alg5.lab.', { alg: 5, records: LEAF }),
  zone('alg7.lab.', { alg: 7, denial: NSEC3_PLAIN, records: LEAF }),
  zone('alg8.lab.', { alg: 8, records: LEAF }),
  zone('alg10.lab.', { alg: 10, records: LEAF }),
  zone('alg13.lab.', { alg: 13, records: LEAF }),
  zone('alg14.lab.', { alg: 14, records: LEAF }),
  zone('alg15.lab.', { alg: 15, records: LEAF }),
  zone('alg16.lab.', { alg: 16, records: LEAF }),

  // NSEC3 parameter variants (RFC 5155, RFC 9276).
  zone('n3salt.lab.', { denial: { kind: 'nsec3', salt: 'a1b2c3d4', iterations: 10, optOut: false }, records: LEAF }),
  zone('n3plain.lab.', { denial: NSEC3_PLAIN, records: LEAF }),
  zone('n3optout.lab.', { denial: { kind: 'nsec3', salt: '-', iterations: 0, optOut: true }, records: LEAF }),
  zone('n3iter150.lab.', { denial: { kind: 'nsec3', salt: '-', iterations: 150, optOut: false }, records: LEAF }),
  // dnssec-signzone 9.18 refuses more than 150 iterations; ldns-signzone does not.
  zone('n3iter200.lab.', {
    signer: 'ldns',
    denial: { kind: 'nsec3', salt: '-', iterations: 200, optOut: false },
    records: LEAF,
  }),

  // Insecure delegations: no DS under NSEC, NSEC3 and NSEC3 opt-out parents.
  zone('unsigned.lab.', {
    alg: null,
    records: [...LEAF, '@ MX 10 mx1', 'mx1 A 127.0.0.25', `_25._tcp.mx1 TLSA 3 1 1 ${TLSA_DIGEST}`, 'tosecure CNAME www.alg13.lab.'],
  }),
  zone('unsigned.n3plain.lab.', { alg: null, records: LEAF }),
  zone('unsigned.n3optout.lab.', { alg: null, records: LEAF }),
  zone('sec.lab3.', { records: LEAF }),
  zone('unsigned.lab3.', { alg: null, records: LEAF }),

  // Mail records (RFC 5321 MX, RFC 6698/7672 TLSA, RFC 7208 SPF, RFC 7489 DMARC, RFC 8461 MTA-STS).
  zone('mail.lab.', {
    records: [
      '@ MX 10 mx1',
      'mx1 A 127.0.0.25',
      `_25._tcp.mx1 TLSA 3 1 1 ${TLSA_DIGEST}`,
      '@ TXT "v=spf1 mx -all"',
      '_dmarc TXT "v=DMARC1; p=reject; rua=mailto:dmarc@mail.lab"',
      '_mta-sts TXT "v=STSv1; id=20240101T000000"',
      'mta-sts A 127.0.0.26',
    ],
  }),

  // Denial of existence: wildcard answer, wildcard NODATA, NXDOMAIN, NODATA, empty non-terminal.
  zone('deny.lab.', { records: [...LEAF, '*.wild A 127.0.0.20', 'a.b.ent A 127.0.0.21'] }),
  zone('deny3.lab.', { denial: NSEC3_PLAIN, records: [...LEAF, '*.wild A 127.0.0.20', 'a.b.ent A 127.0.0.21'] }),

  // DS sets the validator cannot use, fully or partly (RFC 4035 §5.2, RFC 6840 §5.2).
  zone('dsunkalg.lab.', { records: LEAF, ds: ({ kskDs }) => [withDsField(kskDs, 1, '200')] }),
  zone('dsunkdig.lab.', { records: LEAF, ds: ({ kskDs }) => [withDsField(kskDs, 2, '99')] }),
  zone('dsmixed.lab.', {
    records: LEAF,
    ds: ({ kskDs }) => [kskDs, withDsField(kskDs, 1, '200'), withDsField(kskDs, 2, '99')],
  }),
  zone('dsmixbad.lab.', {
    records: LEAF,
    ds: ({ kskDs, strayDs }) => [strayDs, withDsField(kskDs, 1, '200')],
  }),

  // CNAME and DNAME chains into secure, insecure and bogus space.
  zone('cname.lab.', {
    records: [
      'tosecure CNAME www.alg13.lab.',
      'toinsecure CNAME www.unsigned.lab.',
      'tobogus CNAME www.badsig.lab.',
      'chain CNAME tosecure',
    ],
  }),
  zone('dname.lab.', {
    records: ['sec DNAME alg13.lab.', 'insec DNAME unsigned.lab.', 'bog DNAME badsig.lab.'],
  }),

  // Bogus on purpose.
  zone('badsig.lab.', {
    records: [...LEAF, '@ MX 10 mx1', 'mx1 A 127.0.0.25', `_25._tcp.mx1 TLSA 3 1 1 ${TLSA_DIGEST}`],
    mutate: (rrs) => {
      let out = replaceRdata(rrs, 'www.badsig.lab.', 'A', '127.0.0.10', '127.0.0.66');
      out = replaceRdata(out, '_25._tcp.mx1.badsig.lab.', 'TLSA', `3 1 1 ${TLSA_DIGEST}`, `3 1 1 ${'00'.repeat(32)}`);
      return out;
    },
  }),
  zone('expired.lab.', { records: LEAF, window: 'expired' }),
  zone('notyet.lab.', { records: LEAF, window: 'notyet' }),
  zone('dsnokey.lab.', { records: LEAF, ds: ({ strayDs }) => [strayDs] }),
  zone('nodnskey.lab.', { records: LEAF, mutate: (rrs) => withoutRRset(rrs, 'DNSKEY') }),
  zone('nosigs.lab.', { records: LEAF, mutate: (rrs) => rrs.filter((rr) => rr.type !== 'RRSIG') }),
  // nx.noproof.lab sorts between mmm and zzz; the NSEC at mmm is the proof removed.
  zone('noproof.lab.', {
    records: [...LEAF, 'mmm A 127.0.0.40', 'zzz A 127.0.0.41'],
    mutate: (rrs) => withoutRRset(rrs, 'NSEC', 'mmm.noproof.lab.'),
  }),
  zone('noproof3.lab.', { denial: NSEC3_PLAIN, records: LEAF, mutate: (rrs) => withoutRRset(rrs, 'NSEC3') }),

  // Mail reports (`dnssec-stub mail`, test/lab/mail-cases.json): one domain per RFC 7672 decision.
  zone('dane.lab.', { records: DANE_RECORDS }),
  // An unsigned zone whose MX points at a host in the signed dane.lab. (RFC 7672 §2.2.1).
  zone('insecmx.lab.', { alg: null, records: ['@ MX 10 mx.good.dane.lab.', '@ TXT "v=spf1 -all"'] }),
  // 1,000 distinct mail domains for `--from` and bench:mail.
  zone('bulk.lab.', { records: BULK_RECORDS }),
  // Positive answers at many distinct names, NSEC and NSEC3 (bench:bulk).
  zone('pos.lab.', { records: POSITIVE_RECORDS }),
  zone('pos3.lab.', { denial: NSEC3_PLAIN, records: POSITIVE_RECORDS }),
];

/** Replaces field `index` (0 tag, 1 algorithm, 2 digest type, 3 digest) of DS rdata. */
function withDsField(dsRdata, index, value) {
  const f = dsRdata.split(/\s+/);
  f[index] = value;
  return f.join(' ');
}

export function labelCount(name) {
  return name === '.' ? 0 : name.replace(/\.$/, '').split('.').length;
}

/** The closest enclosing zone of `name` in ZONES (its parent zone), or null for the root. */
export function parentZone(name) {
  if (name === '.') return null;
  let candidate = name.slice(name.indexOf('.') + 1) || '.';
  for (;;) {
    if (ZONES.some((z) => z.name === candidate)) return candidate;
    if (candidate === '.') throw new Error(`lab tree: no parent for ${name}`);
    candidate = candidate.slice(candidate.indexOf('.') + 1) || '.';
  }
}
