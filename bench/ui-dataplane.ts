// The Dataplane screen at real scale, for bench/ui.ts: Chromium against the real server on 10
// computes, 1k Services × 10 members (groups of 10 pods each back 10 Services, as bench/reconcile.ts
// and bench/real-mode.ts do) plus one 100-pod Service, and `flows` flows sent to that Service's VIP;
// then the same on the seed scenario. Per tab (routes, next hops, interfaces, flows): navigation to
// the first table row painted; the longest long task meanwhile; on the flows tab, each filter
// keystroke to the next painted frame, and the last keystroke to the filtered rows painted (the
// filter goes to the server once typing pauses); and p50/p99 of a small table page asked while
// another client (a worker thread) pages through the whole flow table. In-page probes are strings
// (see ui.ts).

import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Browser, Page } from '@playwright/test';
import { freePort, startServerProcess } from '@server/testing/server-process.ts';

export const DATAPLANE_TABS = ['routes', 'nexthops', 'interfaces', 'flows'] as const;
type Tab = (typeof DATAPLANE_TABS)[number];

export interface DataplaneSizes {
  computes: number;
  services: number;
  members: number;
  bigMembers: number;
  flows: number;
}

export interface DataplaneFigures {
  scenario: string;
  startupMs: number;
  /** Flows in the table of the compute measured. */
  flowsOnCompute: number;
  firstRowsMs: Record<Tab, number>;
  maxLongTaskMs: number;
  /** The longest task per tab (its loads and the 300 ms after each). */
  longTaskMs: Record<Tab, number>;
  /** The long animation frame that blocked longest, with the scripts in it. */
  longestFrame: (LongFrame & { tab: string }) | null;
  filterKeystrokeMs: number;
  filterKeystrokeMaxMs: number;
  filterResultMs: number;
  pageUnderLoadP50Ms: number;
  pageUnderLoadP99Ms: number;
}

const SERVICES_PER_GROUP = 10;
const BIG = 'web-100';
const FILTER_TEXT = '10.4';
const CLIENTS = 8;
/** Loads per tab; the median is the figure (one slow load on a busy machine does not move it). */
const FIRST_ROWS_RUNS = 5;

function deployment(name: string, replicas: number): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: bench }
spec:
  replicas: ${replicas}
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec:
      containers: [{ name: c, ports: [{ containerPort: 8080, protocol: TCP }] }]`;
}

function service(name: string, app: string): string {
  return `apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: bench }
spec:
  type: ClusterIP
  selector: { app: ${app} }
  ports: [{ protocol: TCP, port: 80, targetPort: 8080 }]`;
}

export function dataplaneScenario(s: DataplaneSizes): string {
  const docs: string[] = [];
  for (let n = 1; n <= s.computes; n++)
    docs.push(`apiVersion: v1
kind: Node
metadata: { name: node-${String(n).padStart(2, '0')} }
status: { addresses: [{ type: InternalIP, address: 10.85.0.${n} }] }`);
  docs.push('apiVersion: v1\nkind: Namespace\nmetadata: { name: bench }');
  const groups = Math.ceil(s.services / SERVICES_PER_GROUP);
  for (let g = 0; g < groups; g++) docs.push(deployment(`app-${g}`, s.members));
  for (let i = 0; i < s.services; i++)
    docs.push(service(`svc-${String(i).padStart(4, '0')}`, `app-${Math.floor(i / SERVICES_PER_GROUP)}`));
  docs.push(deployment(BIG, s.bigMembers), service(BIG, BIG));
  // Enough clients that every flow is its own 5-tuple (each source has ~64k ports).
  for (let c = 0; c < CLIENTS; c++)
    docs.push(`apiVersion: v1
kind: Pod
metadata: { name: client-${c}, namespace: bench, labels: { app: client } }
spec:
  nodeName: node-01
  containers: [{ name: client }]`);
  return `${docs.join('\n---\n')}\n`;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const p99 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.ceil(xs.length * 0.99) - 1] ?? NaN;
const round = (x: number) => Math.round(x * 10) / 10;

async function json<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, init);
  if (!res.ok) throw new Error(`${init?.method ?? 'GET'} ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** The 100-pod Service's VIP, and `flows` flows from the client to it (the client's compute keeps them). */
async function sendFlows(base: string, flows: number): Promise<string> {
  const svc = await json<{ spec: { clusterIP: string } }>(`${base}/api/cluster/services/bench/${BIG}`);
  const vip = svc.spec.clusterIP;
  // The generator's own ceiling per request is 1M; big batches keep the setup short.
  for (let sent = 0; sent < flows; sent += 250_000) {
    const res = await fetch(`${base}/api/dataplane/traffic`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        from: Array.from({ length: CLIENTS }, (_, c) => `bench/client-${c}`),
        to: vip,
        protocol: 'TCP',
        port: 80,
        flows: Math.min(250_000, flows - sent),
        sourcePorts: 'random',
      }),
    });
    if (!res.ok) throw new Error(`traffic: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
  }
  return vip;
}

/** ms from navigation start until the tab's first table row is painted. */
async function firstRows(page: Page, url: string): Promise<number> {
  await page.goto(url, { waitUntil: 'commit' });
  return page.evaluate<number>(`new Promise((resolve) => {
    const check = () => {
      if (document.querySelector('[role="table"] [role="row"][aria-rowindex="2"]')) requestAnimationFrame(() => resolve(performance.now()));
      else requestAnimationFrame(check);
    };
    check();
  })`);
}

// Long tasks, and the long animation frames with the scripts that ran in them (what a long task
// came from: the script's URL, function and invoker — a React commit, a timer, an event handler).
const LONG_TASKS = `(() => {
  window.__longTasks = [];
  window.__longFrames = [];
  new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longTasks.push(e.duration); })
    .observe({ type: 'longtask', buffered: true });
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries())
        if (e.blockingDuration > 0)
          window.__longFrames.push({
            duration: Math.round(e.duration),
            blocking: Math.round(e.blockingDuration),
            scripts: e.scripts.map((s) => ({
              ms: Math.round(s.duration),
              invoker: s.invoker,
              fn: s.sourceFunctionName,
              at: (s.sourceURL || '').split('/').pop() + ':' + s.sourceCharPosition,
            })),
          });
    }).observe({ type: 'long-animation-frame', buffered: true });
  } catch {}
})()`;

interface LongFrame {
  duration: number;
  blocking: number;
  scripts: { ms: number; invoker: string; fn: string; at: string }[];
}

/** The longest task on the page so far and the long animation frame it was in. */
async function longest(page: Page): Promise<{ ms: number; frame: LongFrame | null }> {
  const tasks = await page.evaluate<number[]>('window.__longTasks');
  const frames = await page.evaluate<LongFrame[]>('window.__longFrames');
  const frame = [...frames].sort((a, b) => b.blocking - a.blocking)[0] ?? null;
  return { ms: Math.max(0, ...tasks), frame };
}

async function filterTyping(page: Page): Promise<{ keys: number[]; resultMs: number }> {
  const box = page.getByRole('searchbox', { name: 'Filter flows' });
  await box.click();
  const keys: number[] = [];
  for (const ch of FILTER_TEXT) {
    await page.evaluate(`(window.__probe = new Promise((resolve) => {
      const input = document.querySelector('input[aria-label="Filter flows"]');
      let t0 = 0;
      input.addEventListener('keydown', () => (t0 = performance.now()), { once: true, capture: true });
      const check = () => {
        if (t0 > 0) requestAnimationFrame(() => resolve(performance.now() - t0));
        else requestAnimationFrame(check);
      };
      requestAnimationFrame(check);
    }), true)`);
    await page.keyboard.type(ch);
    keys.push(await page.evaluate<number>('window.__probe'));
  }
  // From the last keystroke to the server's filtered rows on screen (the count says "… match").
  const t0 = Date.now();
  await page
    .getByRole('status')
    .filter({ hasText: /flows match$/ })
    .waitFor({ timeout: 120_000 });
  return { keys, resultMs: Date.now() - t0 };
}

/**
 * The other client: a worker thread (its own event loop, as another browser would have) that pages
 * through every flow sorted by packets — the whole table read and sorted, the heaviest read there
 * is — again and again until told to stop. In this process, parsing its 1000-flow pages would
 * delay the measuring loop's own responses and count against the server.
 */
const FLOW_LOADER = `
const { workerData } = require('node:worker_threads');
const stop = new Int32Array(workerData.stop);
(async () => {
  while (Atomics.load(stop, 0) === 0) {
    let cursor = null;
    do {
      const res = await fetch(workerData.url + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));
      if (!res.ok) throw new Error('flows page: ' + res.status + ' ' + (await res.text()));
      cursor = (await res.json()).cursor;
    } while (cursor && Atomics.load(stop, 0) === 0);
  }
})();
`;

/** A routes page, asked again and again while another client pages through every flow. */
async function pageUnderLoad(base: string, node: string, vrf: string): Promise<number[]> {
  const stop = new SharedArrayBuffer(4);
  const loader = new Worker(FLOW_LOADER, {
    eval: true,
    workerData: { url: `${base}/api/dataplane/vrouters/${node}/flows?sort=packets&limit=1000`, stop },
  });
  // It ends once its page is done after the stop; an error in it (an upstream failure) fails the run.
  const ended = new Promise<void>((resolve, reject) => {
    loader.once('error', reject);
    loader.once('exit', () => resolve());
  });
  const times: number[] = [];
  try {
    await once(loader, 'online');
    for (let i = 0; i < 100; i++) {
      const t0 = performance.now();
      await json(`${base}/api/dataplane/vrouters/${node}/routes?vrf=${encodeURIComponent(vrf)}&limit=50`);
      times.push(performance.now() - t0);
    }
  } finally {
    Atomics.store(new Int32Array(stop), 0, 1);
    await ended;
  }
  return times;
}

/** The Dataplane screen on `scenario` (null: the seed), `flows` flows sent first. */
export async function measureDataplane(
  browser: Browser,
  scenarioPath: string | null,
  flows: number,
  log: (line: string) => void,
): Promise<DataplaneFigures> {
  const uiPort = await freePort();
  const apiPort = await freePort();
  const base = `http://127.0.0.1:${uiPort}`;
  const started = performance.now();
  const proc: ChildProcess = await startServerProcess(
    {
      ...(scenarioPath ? { SCENARIO: scenarioPath } : {}),
      UI_PORT: String(uiPort),
      CONFIG_API_PORT: String(apiPort),
    },
    `${base}/api/info`,
    900_000,
  );
  const startupMs = Math.round(performance.now() - started);
  const name = scenarioPath ? 'scale' : 'seed';
  try {
    log(`  [${name}] server up in ${startupMs} ms`);
    const computes = await json<{ vrouters: { name: string }[] }>(`${base}/api/dataplane/vrouters`);
    // The client's compute: it holds the flows (node-01 in the scale scenario, the seed's first).
    const node = scenarioPath ? 'node-01' : computes.vrouters[0]!.name;
    if (flows > 0) {
      log(`  [${name}] sending ${flows} flows`);
      await sendFlows(base, flows);
    }
    // Counted by a sort that reads the whole table (index order reads only the first pages).
    const flowPage = await json<{ total: number }>(
      `${base}/api/dataplane/vrouters/${node}/flows?sort=packets&limit=1`,
    );
    const vrfs = await json<{ vrf_list: { name: string; route_count: number }[] }>(
      `${base}/api/dataplane/vrouters/${node}/vrfs`,
    );
    const fullest = [...vrfs.vrf_list].sort((a, b) => b.route_count - a.route_count)[0]!.name;

    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.setDefaultTimeout(120_000);
    await page.addInitScript(LONG_TASKS);
    const firstRowsMs = {} as Record<Tab, number>;
    const longTaskMs = {} as Record<Tab, number>;
    let maxLongTaskMs = 0;
    let longestFrame: (LongFrame & { tab: string }) | null = null;
    const noteLongest = async (tab: string) => {
      const seen = await longest(page);
      maxLongTaskMs = Math.max(maxLongTaskMs, seen.ms);
      if (seen.frame && (!longestFrame || seen.frame.blocking > longestFrame.blocking))
        longestFrame = { ...seen.frame, tab };
      return seen.ms;
    };
    for (const tab of DATAPLANE_TABS) {
      const url = `${base}/dataplane/${node}?tab=${tab}${tab === 'routes' ? `&vrf=${encodeURIComponent(fullest)}` : ''}`;
      await firstRows(page, url); // warm-up: server caches, browser chunks
      const runs: number[] = [];
      longTaskMs[tab] = 0;
      for (let i = 0; i < FIRST_ROWS_RUNS; i++) {
        runs.push(await firstRows(page, url));
        await page.waitForTimeout(300); // let a long task that follows the first rows be observed
        longTaskMs[tab] = Math.max(longTaskMs[tab], await noteLongest(tab));
      }
      firstRowsMs[tab] = round(median(runs));
      log(`  [${name}] ${tab}: first rows ${firstRowsMs[tab]} ms, longest task ${round(longTaskMs[tab])} ms`);
    }
    const typing = await filterTyping(page);
    await noteLongest('flows filter');
    await page.close();
    if (longestFrame) log(`  [${name}] longest frame: ${JSON.stringify(longestFrame)}`);
    const underLoad = await pageUnderLoad(base, node, fullest);
    return {
      scenario: name,
      startupMs,
      flowsOnCompute: flowPage.total,
      firstRowsMs,
      maxLongTaskMs: round(maxLongTaskMs),
      longTaskMs: Object.fromEntries(Object.entries(longTaskMs).map(([t, ms]) => [t, round(ms)])) as Record<
        Tab,
        number
      >,
      longestFrame,
      filterKeystrokeMs: round(median(typing.keys)),
      filterKeystrokeMaxMs: round(Math.max(...typing.keys)),
      filterResultMs: typing.resultMs,
      pageUnderLoadP50Ms: round(median(underLoad)),
      pageUnderLoadP99Ms: round(p99(underLoad)),
    };
  } finally {
    proc.kill('SIGTERM');
    await new Promise((r) => proc.once('exit', r));
  }
}

/** Writes the scale scenario to `dir` and returns its path. */
export function writeDataplaneScenario(dir: string, sizes: DataplaneSizes): string {
  const path = join(dir, 'scenario-dataplane.yaml');
  writeFileSync(path, dataplaneScenario(sizes));
  return path;
}
