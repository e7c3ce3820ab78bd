// Config API benchmark: populates the store the way kube-manager would (config-populate.ts,
// ~250k objects), then measures single GETs over a real keep-alive loopback connection at 250k
// and at 1k objects, and the collection GETs. Prints readable lines, then one JSON line.

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Pool } from 'undici';
import { buildConfigApi } from '@server/config-api/http.ts';
import { ConfigStore } from '@server/config-api/store.ts';
import { sequentialIds } from '@server/ids.ts';
import { populate } from './config-populate.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

interface Populated {
  store: ConfigStore;
  lbUuids: string[];
  populateMs: number;
}

function populateStore(lbCount: number): Populated {
  const store = new ConfigStore(undefined, sequentialIds('10000000-0000-4000-8000-'));
  const started = performance.now();
  const lbUuids = populate(store, lbCount);
  return { store, lbUuids, populateMs: performance.now() - started };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

async function withServer<T>(store: ConfigStore, run: (pool: Pool) => Promise<T>): Promise<T> {
  const app = buildConfigApi({ store });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const pool = new Pool(url, { connections: 1, pipelining: 1 });
  try {
    return await run(pool);
  } finally {
    await pool.close();
    await app.close();
  }
}

async function get(pool: Pool, path: string): Promise<number> {
  const { statusCode, body } = await pool.request({ method: 'GET', path });
  const text = await body.text();
  if (statusCode !== 200) throw new Error(`GET ${path}: ${statusCode} ${text.slice(0, 200)}`);
  return text.length;
}

/** Sequential single GETs of random loadbalancers: latency in µs. */
async function singleGets(store: ConfigStore, uuids: string[], count: number) {
  return withServer(store, async (pool) => {
    let seed = 12345;
    const next = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
    for (let i = 0; i < WARMUP_GETS; i++) await get(pool, `/loadbalancer/${uuids[next() % uuids.length]}`);
    const times: number[] = [];
    for (let i = 0; i < count; i++) {
      const path = `/loadbalancer/${uuids[next() % uuids.length]}`;
      const t0 = performance.now();
      await get(pool, path);
      times.push((performance.now() - t0) * 1000);
    }
    times.sort((a, b) => a - b);
    return { p50: percentile(times, 50), p99: percentile(times, 99) };
  });
}

async function collectionGets(store: ConfigStore, runs: number) {
  return withServer(store, async (pool) => {
    const measure = async (path: string) => {
      const times: number[] = [];
      let bytes = 0;
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        bytes = await get(pool, path);
        times.push(performance.now() - t0);
      }
      times.sort((a, b) => a - b);
      return { ms: percentile(times, 50), bytes };
    };
    return { list: await measure('/loadbalancers'), detail: await measure('/loadbalancers?detail=true') };
  });
}

const GETS = 20_000;
/** Requests before measuring, so both sizes run on JIT-compiled code. */
const WARMUP_GETS = 10_000;
const round = (n: number, digits = 1) => Number(n.toFixed(digits));

const small = populateStore(40);
console.log(`1k store: ${small.store.size} objects`);
const smallGet = await singleGets(small.store, small.lbUuids, GETS);
console.log(
  `single GET at ${small.store.size} objects: p50 ${smallGet.p50.toFixed(1)} µs, p99 ${smallGet.p99.toFixed(1)} µs`,
);

gc();
const heapBefore = process.memoryUsage().heapUsed;
const big = populateStore(10_000);
gc();
const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;
console.log(
  `populate: ${big.store.size} objects in ${(big.populateMs / 1000).toFixed(2)} s, heap ${heapMb.toFixed(0)} MB`,
);
const bigGet = await singleGets(big.store, big.lbUuids, GETS);
console.log(
  `single GET at ${big.store.size} objects: p50 ${bigGet.p50.toFixed(1)} µs, p99 ${bigGet.p99.toFixed(1)} µs`,
);
const ratio = bigGet.p50 / smallGet.p50;
console.log(`p50 ratio 250k/1k: ${ratio.toFixed(2)} (goal ≤ 1.5)`);
const lists = await collectionGets(big.store, 5);
console.log(
  `GET /loadbalancers (10k entries, ${(lists.list.bytes / 1e6).toFixed(1)} MB): ${lists.list.ms.toFixed(0)} ms`,
);
console.log(
  `GET /loadbalancers?detail=true (${(lists.detail.bytes / 1e6).toFixed(1)} MB): ${lists.detail.ms.toFixed(0)} ms`,
);

console.log(
  JSON.stringify({
    objects: big.store.size,
    populateMs: round(big.populateMs, 0),
    heapMb: round(heapMb, 0),
    getP50UsAt250k: round(bigGet.p50),
    getP99UsAt250k: round(bigGet.p99),
    getP50UsAt1k: round(smallGet.p50),
    getP99UsAt1k: round(smallGet.p99),
    getP50Ratio: round(ratio, 2),
    listMs: round(lists.list.ms, 0),
    listDetailMs: round(lists.detail.ms, 0),
  }),
);
