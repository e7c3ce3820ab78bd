// UI benchmark: Playwright in Chromium against the real server started on a generated scenario of
// 10 vs 10,000 Kubernetes Services (load balancers). Measures time to first rows, filter keystroke
// to repaint and expand to repaint (until the listener rows, fetched for the expand, are painted);
// then the Dataplane screen at real scale beside the seed (bench/ui-dataplane.ts; BENCH_UI_DATAPLANE=0
// skips it, BENCH_UI_DP=computes,services,members,bigMembers,flows sizes it). Prints readable
// lines, then one JSON line with the figures.
// In-page probes are strings: tsx's transpiled closures reference helpers the page does not have.

import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { freePort, startServerProcess } from '@server/testing/server-process.ts';
import { measureDataplane, writeDataplaneScenario, type DataplaneSizes } from './ui-dataplane.ts';

/** Load balancer counts compared; BENCH_UI_SIZES=small,large overrides (e.g. for a quick run). */
const SIZES = (process.env.BENCH_UI_SIZES ?? '10,10000').split(',').map(Number);
/** Pods shared by the Services, so every load balancer has one member. */
const DEPLOYMENTS = 50;
const KEYSTROKES = 'svc-0123';
const EXPANDS = 5;

function scenarioYaml(services: number): string {
  const docs: string[] = [];
  for (const [n, node] of ['bench-node1', 'bench-node2'].entries())
    docs.push(`apiVersion: v1
kind: Node
metadata: { name: ${node} }
status:
  addresses:
    - { type: InternalIP, address: 10.85.200.${n + 10} }
    - { type: Hostname, address: ${node} }`);
  docs.push('apiVersion: v1\nkind: Namespace\nmetadata: { name: bench }');
  const deployments = Math.min(DEPLOYMENTS, services);
  for (let d = 0; d < deployments; d++)
    docs.push(`apiVersion: apps/v1
kind: Deployment
metadata: { name: web-${d}, namespace: bench }
spec:
  replicas: 1
  selector: { matchLabels: { app: web-${d} } }
  template:
    metadata: { labels: { app: web-${d} } }
    spec:
      containers:
        - { name: web, image: nginx, ports: [{ containerPort: 80, protocol: TCP }] }`);
  for (let i = 0; i < services; i++)
    docs.push(`apiVersion: v1
kind: Service
metadata: { name: svc-${String(i).padStart(5, '0')}, namespace: bench }
spec:
  type: ClusterIP
  selector: { app: web-${i % deployments} }
  ports: [{ protocol: TCP, port: 8080, targetPort: 80 }]`);
  return `${docs.join('\n---\n')}\n`;
}

async function startServer(
  scenario: string,
): Promise<{ proc: ChildProcess; base: string; startupMs: number }> {
  const uiPort = await freePort();
  const apiPort = await freePort();
  const base = `http://127.0.0.1:${uiPort}`;
  const started = performance.now();
  const proc = await startServerProcess(
    { SCENARIO: scenario, UI_PORT: String(uiPort), CONFIG_API_PORT: String(apiPort) },
    `${base}/api/info`,
    600_000,
  );
  return { proc, base, startupMs: performance.now() - started };
}

/** ms from navigation start until the first grid row is in the DOM and a frame has painted. */
async function timeToFirstRows(page: Page, base: string): Promise<number> {
  await page.goto(`${base}/loadbalancers`, { waitUntil: 'commit' });
  return page.evaluate<number>(`new Promise((resolve) => {
    const check = () => {
      if (document.querySelector('[role="row"][aria-level="1"]')) requestAnimationFrame(() => resolve(performance.now()));
      else requestAnimationFrame(check);
    };
    check();
  })`);
}

async function waitAllLoaded(page: Page, total: number): Promise<void> {
  await page
    .getByRole('status')
    .filter({ hasText: new RegExp(`^${total} load balancers$`) })
    .waitFor({ timeout: 120_000 });
}

/** Per keystroke: keydown until the grid has rendered that filter and a frame has painted. */
async function filterKeystrokes(page: Page): Promise<number[]> {
  const filter = page.getByRole('searchbox', { name: 'Filter load balancers' });
  await filter.click();
  const times: number[] = [];
  for (const ch of KEYSTROKES) {
    // Install the probe first, so the keydown cannot arrive before its listener.
    await page.evaluate(`(window.__probe = new Promise((resolve) => {
      const input = document.querySelector('input[aria-label="Filter load balancers"]');
      const root = document.querySelector('[data-filter]');
      let t0 = 0;
      input.addEventListener('keydown', () => (t0 = performance.now()), { once: true, capture: true });
      const check = () => {
        if (t0 > 0 && root.dataset.filter === input.value) requestAnimationFrame(() => resolve(performance.now() - t0));
        else requestAnimationFrame(check);
      };
      requestAnimationFrame(check);
    }), true)`);
    await page.keyboard.type(ch);
    times.push(await page.evaluate<number>('window.__probe'));
  }
  await filter.fill('');
  await page.locator('[data-filter=""]').waitFor();
  return times;
}

/**
 * Per expand: click on a row's triangle until its listener rows are rendered and painted. A child
 * node row has aria-posinset; the "Loading…" status row shown meanwhile has none, so the figure
 * includes the level's request.
 */
async function expands(page: Page): Promise<number[]> {
  const times: number[] = [];
  const toggles = page
    .getByRole('treegrid', { name: 'Load balancers' })
    .getByRole('button', { name: /^Expand / });
  for (let i = 0; i < EXPANDS; i++) {
    const toggle = toggles.nth(i);
    const name = (await toggle.getAttribute('aria-label'))!;
    await page.evaluate(`(window.__probe = new Promise((resolve) => {
      const button = document.querySelector(${JSON.stringify(`button[aria-label="${name}"]`)});
      let t0 = 0;
      button.addEventListener('click', () => (t0 = performance.now()), { once: true, capture: true });
      const check = () => {
        if (t0 > 0 && document.querySelector('[role="row"][aria-level="2"][aria-posinset]')) requestAnimationFrame(() => resolve(performance.now() - t0));
        else requestAnimationFrame(check);
      };
      requestAnimationFrame(check);
    }), true)`);
    await toggle.click();
    times.push(await page.evaluate<number>('window.__probe'));
    await page.getByRole('button', { name, exact: true }).click();
    await page.locator('[role="row"][aria-level="2"]').first().waitFor({ state: 'detached' });
  }
  return times;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
};
const round = (x: number) => Math.round(x * 10) / 10;
const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;

async function measure(size: number, dir: string) {
  const scenario = join(dir, `scenario-${size}.yaml`);
  writeFileSync(scenario, scenarioYaml(size));
  const { proc, base, startupMs } = await startServer(scenario);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--disable-gpu'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.setDefaultTimeout(120_000);
    const step = (what: string) => process.stderr.write(`  [${size}] ${what}\n`);
    step('warm-up');
    // Each load waits for the background pages to finish, so the next load starts on an idle server.
    await timeToFirstRows(page, base); // warm-up: server JIT and browser cache
    await waitAllLoaded(page, size);
    const firstRows: number[] = [];
    for (let i = 0; i < 3; i++) {
      firstRows.push(await timeToFirstRows(page, base));
      step('waiting for every page');
      await waitAllLoaded(page, size);
    }
    step('filter');
    const keys = await filterKeystrokes(page);
    step('expand');
    const exp = await expands(page);
    const result = {
      size,
      startupMs: Math.round(startupMs),
      firstRowsMs: round(median(firstRows)),
      filterKeystrokeMs: round(median(keys)),
      filterKeystrokeMaxMs: round(Math.max(...keys)),
      expandMs: round(median(exp)),
      expandMaxMs: round(Math.max(...exp)),
    };
    process.stdout.write(
      `${String(size).padStart(6)} LBs: server up ${result.startupMs} ms; first rows ${result.firstRowsMs} ms; ` +
        `filter keystroke→repaint p50 ${result.filterKeystrokeMs} ms (max ${result.filterKeystrokeMaxMs}); ` +
        `expand→repaint p50 ${result.expandMs} ms (max ${result.expandMaxMs})\n`,
    );
    return result;
  } finally {
    await browser.close();
    proc.kill('SIGTERM');
    await new Promise((r) => proc.once('exit', r));
  }
}

/** The issue's scenario: 10 computes, 1k Services × 10 pods, one 100-pod Service, 500k flows. */
function dataplaneSizes(): DataplaneSizes {
  const [computes = 10, services = 1000, members = 10, bigMembers = 100, flows = 500_000] = (
    process.env.BENCH_UI_DP ?? ''
  )
    .split(',')
    .filter(Boolean)
    .map(Number);
  return { computes, services, members, bigMembers, flows };
}

const logStep = (line: string) => process.stderr.write(`${line}\n`);

async function measureDataplaneScreens(dir: string) {
  const sizes = dataplaneSizes();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--disable-gpu'],
  });
  try {
    const seed = await measureDataplane(browser, null, 0, logStep);
    const scale = await measureDataplane(browser, writeDataplaneScenario(dir, sizes), sizes.flows, logStep);
    for (const f of [seed, scale])
      process.stdout.write(
        `dataplane ${f.scenario}: first rows ${Object.entries(f.firstRowsMs)
          .map(([tab, ms]) => `${tab} ${ms} ms`)
          .join(
            ', ',
          )}; longest task ${f.maxLongTaskMs} ms; flow filter keystroke p50 ${f.filterKeystrokeMs} ms ` +
          `(max ${f.filterKeystrokeMaxMs}), filtered rows ${f.filterResultMs} ms after the last key; ` +
          `a routes page while another client reads every flow p50 ${f.pageUnderLoadP50Ms} ms, p99 ${f.pageUnderLoadP99Ms} ms ` +
          `(${f.flowsOnCompute} flows on the compute)\n`,
      );
    const tabRatio = Math.max(
      ...Object.keys(scale.firstRowsMs).map((tab) =>
        ratio(
          scale.firstRowsMs[tab as keyof typeof scale.firstRowsMs],
          seed.firstRowsMs[tab as keyof typeof seed.firstRowsMs],
        ),
      ),
    );
    return {
      dataplaneSizes: sizes,
      dataplaneFlowsOnCompute: scale.flowsOnCompute,
      dataplaneFirstRowsMs: scale.firstRowsMs,
      dataplaneFirstRowsMsSeed: seed.firstRowsMs,
      dataplaneFirstRowsWorstRatio: tabRatio,
      dataplaneMaxLongTaskMs: scale.maxLongTaskMs,
      dataplaneLongTaskMsByTab: scale.longTaskMs,
      dataplaneLongestFrame: scale.longestFrame,
      dataplanePageUnderLoadP50Ms: scale.pageUnderLoadP50Ms,
      dataplaneFilterKeystrokeMs: scale.filterKeystrokeMs,
      dataplaneFilterKeystrokeMaxMs: scale.filterKeystrokeMaxMs,
      dataplaneFilterResultMs: scale.filterResultMs,
      dataplanePageUnderLoadP99Ms: scale.pageUnderLoadP99Ms,
      dataplaneServerStartupMs: scale.startupMs,
      dataplaneGoals: {
        firstRowsMs: 500,
        filterKeystrokeMs: 100,
        longTaskMs: 100,
        handlerP99Ms: 50,
        ratio: 1.5,
      },
    };
  } finally {
    await browser.close();
  }
}

const loadavgStart = loadavg();
const dir = mkdtempSync(join(tmpdir(), 'bench-ui-'));
try {
  process.stdout.write('bench:ui — Chromium against the real server (production build in dist/)\n');
  const dataplane = process.env.BENCH_UI_DATAPLANE === '0' ? {} : await measureDataplaneScreens(dir);
  const [small, large] =
    process.env.BENCH_UI_LBS === '0'
      ? [null, null]
      : [await measure(SIZES[0]!, dir), await measure(SIZES[1]!, dir)];
  const lbs =
    small && large
      ? {
          lbsSmall: small.size,
          lbsLarge: large.size,
          firstRowsMsSmall: small.firstRowsMs,
          firstRowsMsLarge: large.firstRowsMs,
          filterKeystrokeMsSmall: small.filterKeystrokeMs,
          filterKeystrokeMsLarge: large.filterKeystrokeMs,
          expandMsSmall: small.expandMs,
          expandMsLarge: large.expandMs,
          firstRowsRatio: ratio(large.firstRowsMs, small.firstRowsMs),
          filterRatio: ratio(large.filterKeystrokeMs, small.filterKeystrokeMs),
          expandRatio: ratio(large.expandMs, small.expandMs),
          serverStartupMsLarge: large.startupMs,
          goals: { firstRowsMs: 1000, filterKeystrokeMs: 100, expandMs: 100, ratio: 1.5 },
        }
      : {};
  if (small && large)
    process.stdout.write(
      `ratios ${large.size}/${small.size}: first rows ${lbs.firstRowsRatio}, filter ${lbs.filterRatio}, expand ${lbs.expandRatio}\n`,
    );
  // The machine is shared: the load average says how far the figures can be trusted.
  process.stdout.write(`${JSON.stringify({ ...lbs, ...dataplane, loadavgStart, loadavgEnd: loadavg() })}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
