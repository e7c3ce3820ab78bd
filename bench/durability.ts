// Durability benchmark: in a child process, populate ~250k config objects (config-populate.ts)
// in memory and then durably into a fresh state directory, kill -9 it, start a new process on the
// same directory and time it to ready, then measure single-object writes over HTTP with
// durability on (answered once committed, as the server does) and off, served by that process and
// sent from this one (so the client never shares the server's event loop or heap). Beside the
// write latencies it prints what they stand on: the disk's own fdatasync latency in the same
// directory, the server's GC pauses and event-loop delay during the writes, and the load average
// (the machine is shared). Prints readable lines, then one JSON line.
//
// The event-loop delay during a 1M-flow traffic run (issue 8's fourth figure) belongs to the
// dataplane's slicing work and is not measured here.

import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Pool } from 'undici';
import { buildConfigApi } from '@server/config-api/http.ts';
import { attachJournal } from '@server/config-api/persist.ts';
import { ConfigStore } from '@server/config-api/store.ts';
import { UserAgentKv } from '@server/config-api/useragent-kv.ts';
import { sequentialIds } from '@server/ids.ts';
import { openDataDir } from '@server/persistence/data-dir.ts';
import { LMDB_FILES, LmdbBackend } from '@server/persistence/lmdb-backend.ts';
import { populate } from './config-populate.ts';

const LOAD_BALANCERS = Number(process.env.BENCH_LOAD_BALANCERS ?? 10_000);
/** Timed writes per mode, after WARM_UP untimed ones: p99 is then the 50th worst of each. */
const WRITES = 5000;
const WARM_UP = 500;
const FSYNC_SAMPLES = 2000;
const round = (n: number, digits = 1) => Number(n.toFixed(digits));
const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
const load = () => loadavg().map((l) => round(l, 2));

type Message =
  | { kind: 'populated'; objects: number; memoryMs: number; durableMs: number; syncMs: number }
  | {
      kind: 'ready';
      processMs: number;
      restoreMs: number;
      objects: number;
      durableUrl: string;
      volatileUrl: string;
      loadBalancers: string[];
    }
  | {
      kind: 'server-stats';
      gcPausesMs: number[];
      commitWaitsMs: number[];
      loopDelayP99Ms: number;
      loopDelayMaxMs: number;
    };

const send = (message: Message) => process.send!(message);

/** Child 1: in-memory populate, then the same populate journaled to `dir`; stays alive to be killed. */
async function populateChild(dir: string): Promise<void> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  let t0 = performance.now();
  populate(new ConfigStore(undefined, sequentialIds('10000000-0000-4000-8000-')), LOAD_BALANCERS);
  const memoryMs = performance.now() - t0;
  gc();
  const dataDir = openDataDir(dir);
  const store = new ConfigStore(undefined, sequentialIds('10000000-0000-4000-8000-'));
  attachJournal(store, new UserAgentKv(), dataDir.journal('config'));
  t0 = performance.now();
  populate(store, LOAD_BALANCERS);
  const syncMs = performance.now() - t0;
  await dataDir.committed();
  send({ kind: 'populated', objects: store.size, memoryMs, durableMs: performance.now() - t0, syncMs });
  // Wait for the parent's kill -9: no close, no flush beyond what was acknowledged.
  setInterval(() => undefined, 60_000);
}

/**
 * Child 2: restore from `dir` and serve the config API twice over the restored store: durable
 * (writes saved and answered once committed, as the server does) and volatile (durability off:
 * nothing saved, answered at once). On 'measure' it starts recording its GC pauses and event-loop
 * delay; on 'report' it sends them, closes and exits.
 */
async function serveChild(dir: string): Promise<void> {
  const t0 = performance.now();
  const dataDir = openDataDir(dir);
  const store = new ConfigStore(undefined, sequentialIds('20000000-0000-4000-8000-'));
  const kv = new UserAgentKv();
  // The volatile API's writes are not saved: otherwise each would add a commit of its own that the
  // next durable write queues behind. Requests come one at a time, so each API's requests setting
  // the switch is exact.
  const journal = dataDir.journal('config');
  let saving = true;
  attachJournal(store, kv, {
    entries: () => journal.entries(),
    put: (key, value) => {
      if (saving) journal.put(key, value);
    },
    remove: (key) => {
      if (saving) journal.remove(key);
    },
  });
  // How long each durable write waits for its commit inside the server, to set against the
  // latency the client sees.
  const commitWaitsMs: number[] = [];
  let measuring = false;
  const committed = async () => {
    const t = performance.now();
    await dataDir.committed();
    if (measuring) commitWaitsMs.push(performance.now() - t);
  };
  const durable = buildConfigApi({ store, kv, durable: committed });
  durable.addHook('onRequest', async () => void (saving = true));
  const durableUrl = await durable.listen({ host: '127.0.0.1', port: 0 });
  const pool = new Pool(durableUrl, { connections: 1 });
  const { statusCode, body } = await pool.request({ method: 'GET', path: '/loadbalancers?count=true' });
  await body.text();
  if (statusCode !== 200) throw new Error(`restored config API answered ${statusCode}`);
  // performance.now() counts from process start: loading the code is part of a restart.
  const processMs = performance.now();
  const restoreMs = processMs - t0;
  await pool.close();
  const volatile = buildConfigApi({ store, kv });
  volatile.addHook('onRequest', async () => void (saving = false));
  const volatileUrl = await volatile.listen({ host: '127.0.0.1', port: 0 });
  const loadBalancers = [...store.all('loadbalancer')].map((o) => o.uuid);
  send({ kind: 'ready', processMs, restoreMs, objects: store.size, durableUrl, volatileUrl, loadBalancers });

  const gcPausesMs: number[] = [];
  const gc = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcPausesMs.push(entry.duration);
  });
  const loop = monitorEventLoopDelay({ resolution: 1 });
  process.on('message', (m: string) => {
    if (m === 'measure') {
      measuring = true;
      gc.observe({ entryTypes: ['gc'] });
      loop.enable();
      return;
    }
    gc.disconnect();
    loop.disable();
    send({
      kind: 'server-stats',
      gcPausesMs,
      commitWaitsMs,
      loopDelayP99Ms: loop.percentile(99) / 1e6,
      loopDelayMaxMs: loop.max / 1e6,
    });
    void Promise.all([durable.close(), volatile.close()])
      .then(() => dataDir.close())
      .then(() => process.disconnect());
  });
}

/** The disk under `dir`: latency of a 4 KiB write + fdatasync, what each durable commit waits on. */
function probeFsync(dir: string): number[] {
  const file = join(dir, 'fsync-probe');
  const fd = openSync(file, 'w');
  const page = Buffer.alloc(4096, 1);
  const samples: number[] = [];
  try {
    for (let i = 0; i < FSYNC_SAMPLES; i++) {
      const t = performance.now();
      writeSync(fd, page, 0, page.length, (i % 64) * page.length);
      fdatasyncSync(fd);
      samples.push(performance.now() - t);
    }
  } finally {
    closeSync(fd);
    rmSync(file, { force: true });
  }
  return samples.sort((a, b) => a - b);
}

/**
 * The state directory's database alone, no HTTP: single-record commits through the server's own
 * backend, each rewriting one saved object's record as a PUT does, back to back as the write
 * benchmark sends them — the floor under a durable write on this disk (ms, sorted). A commit
 * writes several pages of the B-tree (leaf, branches, free list, meta), so its tail is longer
 * than the 4 KiB fdatasync probe's.
 */
async function probeCommits(dir: string): Promise<number[]> {
  const backend = new LmdbBackend(join(dir, LMDB_FILES[0]), ['config']);
  const records: (readonly [string, unknown])[] = [];
  let n = 0;
  for (const entry of backend.entries('config')) if (n++ % 1000 === 0) records.push(entry);
  const samples: number[] = [];
  try {
    for (let i = 0; i < WARM_UP + WRITES; i++) {
      const [key, record] = records[i % records.length]!;
      const t = performance.now();
      backend.put('config', key, record);
      await backend.committed();
      if (i >= WARM_UP) samples.push(performance.now() - t);
    }
  } finally {
    await backend.close();
  }
  return samples.sort((a, b) => a - b);
}

/** Single PUTs from this process, alternating durable and volatile so both see the same load. */
async function measureWrites(ready: Extract<Message, { kind: 'ready' }>) {
  const durable = new Pool(ready.durableUrl, { connections: 1 });
  const volatile = new Pool(ready.volatileUrl, { connections: 1 });
  const lbs = ready.loadBalancers;
  const put = async (pool: Pool, i: number) => {
    const t = performance.now();
    const res = await pool.request({
      method: 'PUT',
      path: `/loadbalancer/${lbs[i % lbs.length]}`,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ loadbalancer: { display_name: `write-${i}` } }),
    });
    await res.body.text();
    if (res.statusCode !== 200) throw new Error(`PUT answered ${res.statusCode}`);
    return performance.now() - t;
  };
  for (let i = 0; i < WARM_UP; i++) await put(i % 2 ? volatile : durable, i);
  const on: number[] = [];
  const off: number[] = [];
  for (let i = 0; i < WRITES; i++) {
    on.push(await put(durable, WARM_UP + 2 * i));
    off.push(await put(volatile, WARM_UP + 2 * i + 1));
  }
  await Promise.all([durable.close(), volatile.close()]);
  return { on: on.sort((a, b) => a - b), off: off.sort((a, b) => a - b) };
}

/**
 * This script prebuilt as `npm start` prebuilds the server (scripts/server-bundle.mjs): the
 * restarted process loads its code the way the real server does.
 */
function bundleOfThisScript(): string {
  const built = spawnSync(process.execPath, ['scripts/server-bundle.mjs', 'bench/durability.ts'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (built.status !== 0) throw new Error(`building the benchmark failed (${built.status})`);
  return built.stdout.trim();
}

function runChild(bundle: string, mode: string, dir: string) {
  const child = spawn(process.execPath, ['--enable-source-maps', bundle, mode, dir], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const messages: Message[] = [];
  const waiters: ((m: Message) => void)[] = [];
  child.on('message', (m: Message) => {
    const waiter = waiters.shift();
    if (waiter) waiter(m);
    else messages.push(m);
  });
  const next = () =>
    new Promise<Message>((resolve, reject) => {
      const queued = messages.shift();
      if (queued) return resolve(queued);
      waiters.push(resolve);
      child.once('exit', (code) => reject(new Error(`${mode} child exited (${code})`)));
    });
  return { child, next };
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'bench-durability-'));
  const dir = join(root, 'data');
  try {
    const bundle = bundleOfThisScript();
    const populating = runChild(bundle, 'populate', dir);
    const populated = (await populating.next()) as Extract<Message, { kind: 'populated' }>;
    console.log(
      `populate ${populated.objects} objects: in memory ${(populated.memoryMs / 1000).toFixed(2)} s, durable ${(populated.durableMs / 1000).toFixed(2)} s (${(populated.durableMs / populated.memoryMs).toFixed(2)}×, goal ≤ 2×; ${(populated.syncMs / 1000).toFixed(2)} s on the main thread, the rest waiting for the commit)`,
    );
    populating.child.kill('SIGKILL');
    await once(populating.child, 'exit');
    console.log('kill -9 after the last acknowledged write');

    const restartLoad = load();
    const wall = performance.now();
    const serving = runChild(bundle, 'serve', dir);
    const ready = (await serving.next()) as Extract<Message, { kind: 'ready' }>;
    const wallMs = performance.now() - wall;
    if (ready.objects !== populated.objects)
      throw new Error(`restored ${ready.objects} objects, populated ${populated.objects}`);
    console.log(
      `restart to ready: ${(ready.processMs / 1000).toFixed(2)} s from process start (restore ${(ready.restoreMs / 1000).toFixed(2)} s; ${(wallMs / 1000).toFixed(2)} s wall), goal ≤ 3 s; load average ${restartLoad.join(' ')}`,
    );

    const fsync = probeFsync(root);
    console.log(
      `this disk: 4 KiB write + fdatasync p50 ${percentile(fsync, 50).toFixed(2)} ms p99 ${percentile(fsync, 99).toFixed(2)} ms (${FSYNC_SAMPLES} samples)`,
    );
    const writesLoad = load();
    serving.child.send('measure');
    const writes = await measureWrites(ready);
    serving.child.send('report');
    const stats = (await serving.next()) as Extract<Message, { kind: 'server-stats' }>;
    await once(serving.child, 'exit');
    const commits = await probeCommits(dir);
    const pauses = stats.gcPausesMs.sort((a, b) => a - b);
    const waits = stats.commitWaitsMs.sort((a, b) => a - b);
    const total = pauses.reduce((sum, p) => sum + p, 0);
    console.log(
      `single PUT over HTTP (${WRITES} each, client in another process): durable p50 ${percentile(writes.on, 50).toFixed(2)} ms p99 ${percentile(writes.on, 99).toFixed(2)} ms; in memory p50 ${percentile(writes.off, 50).toFixed(2)} ms p99 ${percentile(writes.off, 99).toFixed(2)} ms (goal p99 ≤ 5 ms); load average ${writesLoad.join(' ')} → ${load().join(' ')}`,
    );
    console.log(
      `server during the writes: a durable write waits for its commit p50 ${percentile(waits, 50).toFixed(2)} ms p99 ${percentile(waits, 99).toFixed(2)} ms; ${pauses.length} GC pauses, ${total.toFixed(0)} ms in all, longest ${(pauses.at(-1) ?? 0).toFixed(1)} ms; event-loop delay p99 ${stats.loopDelayP99Ms.toFixed(1)} ms, max ${stats.loopDelayMaxMs.toFixed(1)} ms`,
    );
    console.log(
      `the database alone (no HTTP), ${WRITES} commits of one saved record back to back: p50 ${percentile(commits, 50).toFixed(2)} ms p99 ${percentile(commits, 99).toFixed(2)} ms; load average ${load().join(' ')}`,
    );
    console.log(
      JSON.stringify({
        objects: populated.objects,
        populateMemoryMs: round(populated.memoryMs, 0),
        populateDurableMs: round(populated.durableMs, 0),
        populateRatio: round(populated.durableMs / populated.memoryMs, 2),
        populateDurableMainThreadMs: round(populated.syncMs, 0),
        restartToReadyMs: round(ready.processMs, 0),
        restoreMs: round(ready.restoreMs, 0),
        restartWallMs: round(wallMs, 0),
        restartLoadAvg: restartLoad,
        writeP50MsDurable: round(percentile(writes.on, 50), 2),
        writeP99MsDurable: round(percentile(writes.on, 99), 2),
        writeP50MsMemory: round(percentile(writes.off, 50), 2),
        writeP99MsMemory: round(percentile(writes.off, 99), 2),
        commitP50Ms: round(percentile(commits, 50), 2),
        commitP99Ms: round(percentile(commits, 99), 2),
        fsyncP50Ms: round(percentile(fsync, 50), 2),
        fsyncP99Ms: round(percentile(fsync, 99), 2),
        serverCommitWaitP50Ms: round(percentile(waits, 50), 2),
        serverCommitWaitP99Ms: round(percentile(waits, 99), 2),
        serverGcPauses: pauses.length,
        serverGcPauseMaxMs: round(pauses.at(-1) ?? 0, 1),
        serverLoopDelayP99Ms: round(stats.loopDelayP99Ms, 1),
        writesLoadAvg: writesLoad,
      }),
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const [mode, dir] = process.argv.slice(2);
if (mode === 'populate') await populateChild(dir!);
else if (mode === 'serve') await serveChild(dir!);
else await main();
