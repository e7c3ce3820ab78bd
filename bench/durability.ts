// Durability benchmark: in a child process, populate ~250k config objects (config-populate.ts)
// in memory and then durably into a fresh state directory, kill -9 it, start a new process on the
// same directory and time it to ready, then measure single-object writes over HTTP with
// durability on (answered once committed, as the server does) and off in that process. Prints
// readable lines, then one JSON line.
//
// The event-loop delay during a 1M-flow traffic run (issue 8's fourth figure) belongs to the
// dataplane's slicing work and is not measured here.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Pool } from 'undici';
import { buildConfigApi } from '@server/config-api/http.ts';
import { attachJournal } from '@server/config-api/persist.ts';
import { ConfigStore } from '@server/config-api/store.ts';
import { UserAgentKv } from '@server/config-api/useragent-kv.ts';
import { sequentialIds } from '@server/ids.ts';
import { openDataDir } from '@server/persistence/data-dir.ts';
import { populate } from './config-populate.ts';

const LOAD_BALANCERS = Number(process.env.BENCH_LOAD_BALANCERS ?? 10_000);
const WRITES = 2000;
const round = (n: number, digits = 1) => Number(n.toFixed(digits));
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;

type Message =
  | { kind: 'populated'; objects: number; memoryMs: number; durableMs: number; syncMs: number }
  | { kind: 'ready'; processMs: number; restoreMs: number; objects: number }
  | { kind: 'writes'; onP50: number; onP99: number; offP50: number; offP99: number };

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

/** Child 2: restore from `dir` and serve; then time single writes with durability on and off. */
async function serveChild(dir: string): Promise<void> {
  const t0 = performance.now();
  const dataDir = openDataDir(dir);
  const store = new ConfigStore(undefined, sequentialIds('20000000-0000-4000-8000-'));
  const kv = new UserAgentKv();
  attachJournal(store, kv, dataDir.journal('config'));
  const durable = buildConfigApi({ store, kv, durable: () => dataDir.committed() });
  const url = await durable.listen({ host: '127.0.0.1', port: 0 });
  const pool = new Pool(url, { connections: 1 });
  const { statusCode } = await pool.request({ method: 'GET', path: '/loadbalancers?count=true' });
  if (statusCode !== 200) throw new Error(`restored config API answered ${statusCode}`);
  // performance.now() counts from process start: loading the code is part of a restart.
  send({
    kind: 'ready',
    processMs: performance.now(),
    restoreMs: performance.now() - t0,
    objects: store.size,
  });

  const volatile = buildConfigApi({ store, kv });
  const volatileUrl = await volatile.listen({ host: '127.0.0.1', port: 0 });
  const volatilePool = new Pool(volatileUrl, { connections: 1 });
  const lbs = [...store.all('loadbalancer')].map((o) => o.uuid);
  const put = async (p: Pool, i: number) => {
    const t = performance.now();
    const res = await p.request({
      method: 'PUT',
      path: `/loadbalancer/${lbs[i % lbs.length]}`,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ loadbalancer: { display_name: `write-${i}` } }),
    });
    await res.body.text();
    if (res.statusCode !== 200) throw new Error(`PUT answered ${res.statusCode}`);
    return (performance.now() - t) * 1000;
  };
  const on: number[] = [];
  const off: number[] = [];
  for (let i = 0; i < 200; i++) await put(i % 2 ? pool : volatilePool, i);
  // Interleaved, so both see the same machine load.
  for (let i = 0; i < WRITES; i++) {
    on.push(await put(pool, 2 * i));
    off.push(await put(volatilePool, 2 * i + 1));
  }
  on.sort((a, b) => a - b);
  off.sort((a, b) => a - b);
  send({
    kind: 'writes',
    onP50: percentile(on, 50),
    onP99: percentile(on, 99),
    offP50: percentile(off, 50),
    offP99: percentile(off, 99),
  });
  await pool.close();
  await volatilePool.close();
  await durable.close();
  await volatile.close();
  await dataDir.close();
}

function runChild(mode: string, dir: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), mode, dir], {
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
    const populating = runChild('populate', dir);
    const populated = (await populating.next()) as Extract<Message, { kind: 'populated' }>;
    console.log(
      `populate ${populated.objects} objects: in memory ${(populated.memoryMs / 1000).toFixed(2)} s, durable ${(populated.durableMs / 1000).toFixed(2)} s (${(populated.durableMs / populated.memoryMs).toFixed(2)}×, goal ≤ 2×; ${(populated.syncMs / 1000).toFixed(2)} s on the main thread, the rest waiting for the commit)`,
    );
    populating.child.kill('SIGKILL');
    await once(populating.child, 'exit');
    console.log('kill -9 after the last acknowledged write');

    const wall = performance.now();
    const serving = runChild('serve', dir);
    const ready = (await serving.next()) as Extract<Message, { kind: 'ready' }>;
    const wallMs = performance.now() - wall;
    if (ready.objects !== populated.objects)
      throw new Error(`restored ${ready.objects} objects, populated ${populated.objects}`);
    console.log(
      `restart to ready: ${(ready.processMs / 1000).toFixed(2)} s from process start (restore ${(ready.restoreMs / 1000).toFixed(2)} s; ${(wallMs / 1000).toFixed(2)} s wall), goal ≤ 3 s`,
    );
    const writes = (await serving.next()) as Extract<Message, { kind: 'writes' }>;
    console.log(
      `single PUT over HTTP: durable p50 ${(writes.onP50 / 1000).toFixed(2)} ms p99 ${(writes.onP99 / 1000).toFixed(2)} ms; in memory p50 ${(writes.offP50 / 1000).toFixed(2)} ms p99 ${(writes.offP99 / 1000).toFixed(2)} ms (goal p99 ≤ 5 ms)`,
    );
    await once(serving.child, 'exit');
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
        writeP50MsDurable: round(writes.onP50 / 1000, 2),
        writeP99MsDurable: round(writes.onP99 / 1000, 2),
        writeP50MsMemory: round(writes.offP50 / 1000, 2),
        writeP99MsMemory: round(writes.offP99 / 1000, 2),
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
