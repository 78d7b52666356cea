// Configuration, start and stop of the lab's servers: one NSD per zone depth
// (authoritative, 127.77.<depth>.1:53) and one Unbound (validating recursive
// resolver on 127.77.0.53, with DNS over TLS and DNS over HTTPS). Everything
// listens on loopback only and is stopped by pid.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { zoneFileName } from './build.mjs';
import {
  DOH_PATH,
  DOH_PORT,
  DOT_PORT,
  RESOLVER_ADDRESS,
  RESOLVER_PORT,
  TLS_NAME,
  ZONES,
  labelCount,
  serverAddress,
} from './tree.mjs';

const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  if (r.error) throw new Error(`lab: cannot run ${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`lab: ${cmd} ${args.join(' ')} exited ${r.status}: ${(r.stderr || r.stdout).trim()}`);
  return r.stdout;
}

/** A test CA and a server certificate for the resolver (names: resolver.lab, 127.77.0.53). */
export function writeTls(runDir) {
  const dir = join(runDir, 'tls');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const p = (f) => join(dir, f);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  run('openssl', ['req', '-x509', ...ec, '-keyout', p('ca.key'), '-out', p('ca.pem'), '-days', '30',
    '-subj', '/CN=dnssec-stub lab CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  run('openssl', ['req', ...ec, '-keyout', p('server.key'), '-out', p('server.csr'), '-subj', `/CN=${TLS_NAME}`]);
  writeFileSync(p('server.ext'), [
    `subjectAltName=DNS:${TLS_NAME},IP:${RESOLVER_ADDRESS}`,
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature',
    'extendedKeyUsage=serverAuth',
    '',
  ].join('\n'));
  run('openssl', ['x509', '-req', '-in', p('server.csr'), '-CA', p('ca.pem'), '-CAkey', p('ca.key'),
    '-CAcreateserial', '-out', p('server.pem'), '-days', '30', '-extfile', p('server.ext')]);
  return { ca: p('ca.pem'), key: p('server.key'), cert: p('server.pem') };
}

/** Zone depths that have at least one zone, each served by its own NSD. */
export function serverDepths() {
  return [...new Set(ZONES.map((z) => labelCount(z.name)))].sort((a, b) => a - b);
}

function nsdConfig(runDir, depth) {
  const dir = join(runDir, `nsd-${depth}`);
  const zones = ZONES.filter((z) => labelCount(z.name) === depth);
  return {
    dir,
    pidfile: join(dir, 'nsd.pid'),
    logfile: join(dir, 'nsd.log'),
    conf: join(dir, 'nsd.conf'),
    text: [
      'server:',
      `  ip-address: ${serverAddress(depth)}`,
      '  port: 53',
      '  do-ip4: yes',
      '  do-ip6: no',
      '  server-count: 1',
      '  reuseport: no',
      '  username: ""',
      '  chroot: ""',
      `  zonesdir: "${join(runDir, 'zones')}"`,
      '  database: ""',
      `  zonelistfile: "${join(dir, 'zone.list')}"`,
      `  xfrdfile: "${join(dir, 'xfrd.state')}"`,
      `  xfrdir: "${dir}"`,
      `  pidfile: "${join(dir, 'nsd.pid')}"`,
      `  logfile: "${join(dir, 'nsd.log')}"`,
      '  verbosity: 1',
      '  hide-version: yes',
      // Response rate limiting off: every query comes from the lab's own resolvers on
      // loopback, and bulk tests (1,000 mail domains, NXDOMAIN-heavy) would otherwise
      // be rate limited as one /24 (NSD's default rrl-ratelimit is 200 per second).
      '  rrl-ratelimit: 0',
      '  rrl-whitelist-ratelimit: 0',
      'remote-control:',
      '  control-enable: no',
      ...zones.flatMap((z) => ['zone:', `  name: "${z.name}"`, `  zonefile: "${zoneFileName(z.name)}"`]),
      '',
    ].join('\n'),
  };
}

function unboundConfig(runDir, anchors, tls) {
  const dir = join(runDir, 'unbound');
  const hints = join(dir, 'root.hints');
  return {
    dir,
    hints,
    pidfile: join(dir, 'unbound.pid'),
    logfile: join(dir, 'unbound.log'),
    conf: join(dir, 'unbound.conf'),
    text: [
      'server:',
      '  verbosity: 1',
      '  num-threads: 1',
      // The default (10 per thread) is too few for the tests' parallel TCP/TLS/HTTPS clients.
      '  incoming-num-tcp: 100',
      `  interface: ${RESOLVER_ADDRESS}@${RESOLVER_PORT}`,
      `  interface: ${RESOLVER_ADDRESS}@${DOT_PORT}`,
      `  interface: ${RESOLVER_ADDRESS}@${DOH_PORT}`,
      '  interface-automatic: no',
      '  so-reuseport: no',
      '  do-ip4: yes',
      '  do-ip6: no',
      '  do-udp: yes',
      '  do-tcp: yes',
      '  access-control: 127.0.0.0/8 allow',
      '  username: ""',
      '  chroot: ""',
      `  directory: "${dir}"`,
      `  pidfile: "${join(dir, 'unbound.pid')}"`,
      '  use-syslog: no',
      `  logfile: "${join(dir, 'unbound.log')}"`,
      '  log-servfail: yes',
      `  root-hints: "${hints}"`,
      `  trust-anchor-file: "${anchors.ds}"`,
      '  module-config: "validator iterator"',
      '  do-not-query-localhost: no',
      '  val-log-level: 2',
      '  ede: yes',
      '  prefetch: no',
      // DNS over TLS (RFC 7858) and DNS over HTTPS (RFC 8484) on the same address.
      `  tls-service-key: "${tls.key}"`,
      `  tls-service-pem: "${tls.cert}"`,
      `  tls-port: ${DOT_PORT}`,
      `  https-port: ${DOH_PORT}`,
      `  http-endpoint: "${DOH_PATH}"`,
      'remote-control:',
      '  control-enable: no',
      '',
    ].join('\n'),
  };
}

function readPid(pidfile) {
  if (!existsSync(pidfile)) return null;
  const pid = Number(readFileSync(pidfile, 'utf8').trim());
  return Number.isInteger(pid) && pid > 1 ? pid : null;
}

/** Fields of /proc/<pid>/stat after the command name: [state, ppid, pgrp, ...]; null if gone. */
function procStat(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** True while `pid` runs. A zombie (exited, not yet reaped: containers often lack an init that reaps) counts as gone. */
export function isAlive(pid) {
  const stat = procStat(pid);
  if (stat !== null) return stat[0] !== 'Z';
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

/** Live processes in process group `pgid` (NSD and Unbound daemonize with setsid, so the group is theirs). */
function groupMembers(pgid) {
  let entries = [];
  try {
    entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return [];
  }
  return entries.map(Number).filter((pid) => {
    const stat = procStat(pid);
    return stat !== null && stat[0] !== 'Z' && Number(stat[2]) === pgid;
  });
}

function waitForPid(pidfile, name, logfile) {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const pid = readPid(pidfile);
    if (pid !== null && isAlive(pid)) return pid;
    sleep(100);
  }
  const log = existsSync(logfile) ? readFileSync(logfile, 'utf8').split('\n').slice(-15).join('\n') : '(no log)';
  throw new Error(`lab: ${name} did not start within ${START_TIMEOUT_MS} ms; log tail:\n${log}`);
}

/** True when Unbound answers `. SOA` with the AD bit (the chain from the lab anchor works). */
export function resolverHealthy() {
  const r = spawnSync('dig', [`@${RESOLVER_ADDRESS}`, '-p', String(RESOLVER_PORT), '.', 'SOA', '+dnssec', '+time=1', '+tries=1'], {
    encoding: 'utf8',
  });
  return r.status === 0 && /status: NOERROR/.test(r.stdout) && /;; flags:[^;]*\bad\b/.test(r.stdout);
}

/**
 * Writes the server configurations and starts every NSD, then Unbound.
 * Returns the pids (also written to <runDir>/pids.json before each start, so a
 * failed start can still be cleaned up by stopServers).
 */
export function startServers(runDir, anchors) {
  const tls = writeTls(runDir);
  const pids = [];
  const savePids = () => writeFileSync(join(runDir, 'pids.json'), JSON.stringify(pids, null, 2) + '\n');
  const servers = [];
  for (const depth of serverDepths()) {
    const c = nsdConfig(runDir, depth);
    rmSync(c.dir, { recursive: true, force: true });
    mkdirSync(c.dir, { recursive: true });
    writeFileSync(c.conf, c.text);
    run('nsd-checkconf', [c.conf]);
    run('nsd', ['-c', c.conf]);
    const pid = waitForPid(c.pidfile, `nsd (depth ${depth})`, c.logfile);
    pids.push({ name: `nsd-${depth}`, pid });
    savePids();
    servers.push({ depth, address: serverAddress(depth), port: 53, zones: ZONES.filter((z) => labelCount(z.name) === depth).map((z) => z.name) });
  }

  const u = unboundConfig(runDir, anchors, tls);
  rmSync(u.dir, { recursive: true, force: true });
  mkdirSync(u.dir, { recursive: true });
  writeFileSync(u.hints, `. 3600000 NS ns1.\nns1. 3600000 A ${serverAddress(0)}\n`);
  writeFileSync(u.conf, u.text);
  run('unbound-checkconf', [u.conf]);
  run('unbound', ['-c', u.conf]);
  pids.push({ name: 'unbound', pid: waitForPid(u.pidfile, 'unbound', u.logfile) });
  savePids();

  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!resolverHealthy()) {
    if (Date.now() > deadline) {
      throw new Error(`lab: Unbound does not validate ". SOA" from the lab root; see ${u.logfile}`);
    }
    sleep(200);
  }
  return { pids, tls, servers, unboundConf: u.conf, unboundLog: u.logfile, rootHints: u.hints };
}

/** Stops what <runDir>/pids.json lists: SIGTERM, then SIGKILL after a bounded wait. */
export function stopServers(runDir) {
  const file = join(runDir, 'pids.json');
  if (!existsSync(file)) return [];
  const entries = JSON.parse(readFileSync(file, 'utf8'));
  const stopped = [];
  for (const { name, pid } of entries) {
    if (!isAlive(pid) && groupMembers(pid).length === 0) continue;
    // NSD's pidfile names its xfrd process, which stops the server processes
    // on SIGTERM; the process group catches any child left behind.
    const signal = (sig) => {
      for (const target of [pid, ...groupMembers(pid).filter((p) => p !== pid)]) {
        try {
          process.kill(target, sig);
        } catch {
          /* already gone */
        }
      }
    };
    signal('SIGTERM');
    const deadline = Date.now() + STOP_TIMEOUT_MS;
    while ((isAlive(pid) || groupMembers(pid).length > 0) && Date.now() < deadline) sleep(50);
    if (isAlive(pid) || groupMembers(pid).length > 0) signal('SIGKILL');
    stopped.push(name);
  }
  rmSync(file, { force: true });
  return stopped;
}

/** Tools the lab needs, with the Debian package that provides each. */
export const REQUIRED_TOOLS = [
  ['nsd', 'nsd'],
  ['nsd-checkconf', 'nsd'],
  ['unbound', 'unbound'],
  ['unbound-checkconf', 'unbound'],
  ['dnssec-keygen', 'bind9-utils'],
  ['dnssec-signzone', 'bind9-utils'],
  ['dnssec-dsfromkey', 'bind9-utils'],
  ['ldns-signzone', 'ldnsutils'],
  ['dig', 'bind9-dnsutils'],
  ['delv', 'bind9-dnsutils'],
  ['openssl', 'openssl'],
];

/** The required tools that are not on PATH (also looking in /usr/sbin and /sbin). */
export function missingTools() {
  const path = `${process.env.PATH ?? ''}:/usr/sbin:/sbin`;
  return REQUIRED_TOOLS.filter(([tool]) => {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { env: { ...process.env, PATH: path }, stdio: 'ignore' });
      return false;
    } catch {
      return true;
    }
  }).map(([tool, pkg]) => `${tool} (${pkg})`);
}
