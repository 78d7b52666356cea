#!/usr/bin/env node
// The lab's command line:
//   node test/lab/labctl.mjs start [--restart] [--user ID]   build zones, start NSD + Unbound (or reuse)
//   node test/lab/labctl.mjs stop  [--user ID]               stop by pid (with --user: only when unused)
//   node test/lab/labctl.mjs status                          print lab.json if the lab is up
// The run directory is test/lab/run/ unless LAB_RUN_DIR says otherwise.
//
// Several test files may start the lab at once, so start/stop hold a lock
// directory and keep one file per user under <runDir>/users; `stop --user`
// stops the servers only when no live user remains. A start without --user
// registers the user "manual", which only a plain `stop` removes.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildLab } from './build.mjs';
import { isAlive, missingTools, resolverHealthy, startServers, stopServers } from './daemons.mjs';
import { DOH_PATH, DOH_PORT, DOT_PORT, RESOLVER_ADDRESS, RESOLVER_PORT, TLS_NAME, serverAddress } from './tree.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const LOCK_WAIT_MS = 180_000;
const LOCK_STALE_MS = 180_000;

process.env.PATH = `${process.env.PATH ?? ''}:/usr/sbin:/sbin`;

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export function defaultRunDir() {
  return resolve(process.env.LAB_RUN_DIR ?? join(HERE, 'run'));
}

function withLock(runDir, fn) {
  mkdirSync(runDir, { recursive: true });
  const lock = join(runDir, '.lock');
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      let owner = null;
      try {
        owner = Number(readFileSync(join(lock, 'pid'), 'utf8'));
      } catch {
        /* the owner is between mkdir and writing its pid */
      }
      const age = Date.now() - statSync(lock, { throwIfNoEntry: false })?.mtimeMs;
      if ((owner && !isAlive(owner)) || age > LOCK_STALE_MS) rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`lab: ${lock} held by pid ${owner} for too long`);
      else sleep(200);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Users whose id ends in "-<pid>" of a dead process are dropped. */
function liveUsers(runDir) {
  const dir = join(runDir, 'users');
  if (!existsSync(dir)) return [];
  const live = [];
  for (const user of readdirSync(dir)) {
    const pid = /-(\d+)$/.exec(user)?.[1];
    if (pid && !isAlive(Number(pid))) rmSync(join(dir, user), { force: true });
    else live.push(user);
  }
  return live;
}

function addUser(runDir, user) {
  mkdirSync(join(runDir, 'users'), { recursive: true });
  writeFileSync(join(runDir, 'users', user), `${new Date().toISOString()}\n`);
}

/** Hash of the files that define the lab: a running lab built from other sources is not reused. */
function labFingerprint() {
  const h = createHash('sha256');
  for (const f of ['tree.mjs', 'build.mjs', 'daemons.mjs']) h.update(readFileSync(join(HERE, f)));
  return h.digest('hex').slice(0, 16);
}

/** Signatures are valid for 30 days after the build; rebuild well before. */
const REUSE_MAX_AGE_MS = 7 * 86_400_000;

function labIsUp(runDir) {
  const pidsFile = join(runDir, 'pids.json');
  if (!existsSync(join(runDir, 'lab.json')) || !existsSync(pidsFile)) return false;
  const pids = JSON.parse(readFileSync(pidsFile, 'utf8'));
  return pids.length > 0 && pids.every((p) => isAlive(p.pid)) && resolverHealthy();
}

function labIsReusable(runDir) {
  if (!labIsUp(runDir)) return false;
  const env = JSON.parse(readFileSync(join(runDir, 'lab.json'), 'utf8'));
  return env.fingerprint === labFingerprint() && Date.now() - Date.parse(env.builtAt) < REUSE_MAX_AGE_MS;
}

function writeEnv(runDir, env) {
  const lines = {
    LAB_RUN_DIR: env.runDir,
    LAB_RESOLVER_ADDR: env.resolver.address,
    LAB_RESOLVER_PORT: env.resolver.port,
    LAB_DOT_PORT: env.resolver.dotPort,
    LAB_DOH_PORT: env.resolver.dohPort,
    LAB_DOH_URL: env.resolver.dohUrl,
    LAB_TLS_NAME: env.resolver.tlsName,
    LAB_CA_FILE: env.caFile,
    LAB_ROOT_ANCHOR_DS: env.anchors.ds,
    LAB_ROOT_ANCHOR_DNSKEY: env.anchors.dnskey,
    LAB_ROOT_ANCHOR_XML: env.anchors.xml,
    LAB_DELV_ANCHOR: env.anchors.delv,
    LAB_ROOT_KEY_TAG: env.rootKeyTag,
    LAB_ROOT_SERVER: env.rootServer,
    LAB_AUTH_SERVERS: env.servers.map((s) => s.address).join(' '),
    LAB_ROOT_HINTS: env.rootHints,
    LAB_CASES: env.casesFile,
    LAB_UNBOUND_LOG: env.unboundLog,
  };
  const text = Object.entries(lines)
    .map(([k, v]) => `${k}='${String(v).replace(/'/g, "'\\''")}'`)
    .join('\n');
  writeFileSync(join(runDir, 'lab.env'), `${text}\n`);
  writeFileSync(join(runDir, 'lab.json'), `${JSON.stringify(env, null, 2)}\n`);
}

export function start(runDir, { restart = false, user = 'manual' } = {}) {
  const missing = missingTools();
  if (missing.length > 0) throw new Error(`lab: missing tools: ${missing.join(', ')}`);
  return withLock(runDir, () => {
    if (!restart && labIsReusable(runDir)) {
      addUser(runDir, user);
      return { reused: true, env: JSON.parse(readFileSync(join(runDir, 'lab.json'), 'utf8')) };
    }
    stopServers(runDir);
    rmSync(join(runDir, 'lab.json'), { force: true });
    rmSync(join(runDir, 'lab.env'), { force: true });
    try {
      const built = buildLab(runDir);
      const up = startServers(runDir, built.anchors);
      const env = {
        runDir,
        builtAt: new Date().toISOString(),
        fingerprint: labFingerprint(),
        resolver: {
          address: RESOLVER_ADDRESS,
          port: RESOLVER_PORT,
          dotPort: DOT_PORT,
          dohPort: DOH_PORT,
          dohPath: DOH_PATH,
          dohUrl: `https://${RESOLVER_ADDRESS}:${DOH_PORT}${DOH_PATH}`,
          tlsName: TLS_NAME,
        },
        caFile: up.tls.ca,
        anchors: built.anchors,
        rootKeyTag: built.rootKeyTag,
        rootServer: serverAddress(0),
        servers: up.servers,
        rootHints: up.rootHints,
        zonesDir: built.zonesDir,
        unboundConf: up.unboundConf,
        unboundLog: up.unboundLog,
        casesFile: join(HERE, 'cases.json'),
        pids: up.pids,
      };
      writeEnv(runDir, env);
      addUser(runDir, user);
      return { reused: false, env };
    } catch (err) {
      stopServers(runDir);
      throw err;
    }
  });
}

export function stop(runDir, { user = null } = {}) {
  return withLock(runDir, () => {
    if (user !== null) {
      rmSync(join(runDir, 'users', user), { force: true });
      const remaining = liveUsers(runDir);
      if (remaining.length > 0) return { stopped: [], remaining };
    }
    rmSync(join(runDir, 'users'), { recursive: true, force: true });
    const stopped = stopServers(runDir);
    rmSync(join(runDir, 'lab.json'), { force: true });
    rmSync(join(runDir, 'lab.env'), { force: true });
    return { stopped, remaining: [] };
  });
}

function main(argv) {
  const [command, ...rest] = argv;
  const flag = (name) => rest.includes(name);
  const option = (name) => {
    const i = rest.indexOf(name);
    return i >= 0 ? rest[i + 1] : undefined;
  };
  const runDir = defaultRunDir();
  const user = option('--user');
  switch (command) {
    case 'start': {
      const t0 = Date.now();
      const { reused, env } = start(runDir, { restart: flag('--restart'), user: user ?? 'manual' });
      console.error(`lab ${reused ? 'reused' : 'started'} in ${Date.now() - t0} ms; env: ${join(runDir, 'lab.env')}`);
      console.log(JSON.stringify(env));
      return 0;
    }
    case 'stop': {
      const { stopped, remaining } = stop(runDir, { user: user ?? null });
      console.error(remaining.length > 0 ? `lab still used by: ${remaining.join(', ')}` : `lab stopped: ${stopped.join(', ') || 'nothing was running'}`);
      return 0;
    }
    case 'status': {
      if (!labIsUp(runDir)) {
        console.error('lab is not running');
        return 1;
      }
      console.log(readFileSync(join(runDir, 'lab.json'), 'utf8').trim());
      return 0;
    }
    default:
      console.error('usage: labctl.mjs start [--restart] [--user ID] | stop [--user ID] | status');
      return 2;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
  }
}
