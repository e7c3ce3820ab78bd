// Real-cluster mode benchmark: the embedded simulation with 10 computes, 1k Services × 10 ready
// members, read by the UI server only through its protocols (config API over HTTP, the Kubernetes
// API, each compute's agent introspect). Measures the time to data of one VIP's ECMP topology
// across every compute (cold: nothing read yet; warm: the agents' tables within their snapshot)
// and of the consistency sweep of every load balancer (cold), each beside the same data taken
// from the simulation's objects in process (the in-process path the routes used before they read
// introspect: route + composite + components per compute; per load balancer its Endpoints,
// members, VIP floating-ip refs and each compute's VIP route), and the introspect requests one
// cold topology read sends, by name. Then the topology screen in Chromium (the built SPA served by
// the same UI server): from navigation to the first slot row of the table and to the first node of
// the graph painted, with the agents' tables cold. Median of 5 runs each; the machine's load
// average is printed beside the figures (they are indicative when it is high). Prints readable
// lines, then one JSON line with the figures. Goals (issue): topology ≤ 500 ms, sweep ≤ 5 s, each
// ≤ 1.5× the in-process figure.
//
// Pod uids are random, as a cluster's are (the simulation's default id source in the product):
// the agent names a pod's tap interface after the first characters of its uid, and the topology
// asks for a composite's interfaces by those names.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from '@playwright/test';
import type { ConsistencyReport, VipTopology } from '@model/api/dataplane-views.ts';
import { routeKey } from '@server/dataplane/vrouter.ts';
import { nhJson, routeJson } from '@server/dataplane/json-views.ts';
import { parseIpv4 } from '@model/net/ipv4.ts';
import { startEmbedded } from '@server/ui-server/testing/embedded.ts';
import { systemClock } from '@server/clock.ts';
import { randomIds } from '@server/ids.ts';
import { IntrospectClient } from '@server/introspect-client/client.ts';

const COMPUTES = 10;
const SERVICES = 1000;
const MEMBERS = 10;
/** Each group of 10 pods backs this many Services (bench/reconcile.ts does the same). */
const SERVICES_PER_GROUP = 10;
const RUNS = 5;

const log = (line: string) => process.stdout.write(`${line}\n`);
const load = () => loadavg().map((l) => Number(l.toFixed(2)));
const round = (n: number, digits = 1) => Number(n.toFixed(digits));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function scenario(): string {
  const groups = SERVICES / SERVICES_PER_GROUP;
  const docs: unknown[] = [];
  for (let n = 1; n <= COMPUTES; n++)
    docs.push({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: `node-${String(n).padStart(2, '0')}` },
      status: { addresses: [{ type: 'InternalIP', address: `10.85.0.${n}` }] },
    });
  docs.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench' } });
  for (let g = 0; g < groups; g++)
    docs.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: `app-${g}`, namespace: 'bench' },
      spec: {
        replicas: MEMBERS,
        selector: { matchLabels: { app: `app-${g}` } },
        template: {
          metadata: { labels: { app: `app-${g}` } },
          spec: { containers: [{ name: 'c', ports: [{ name: 'http', containerPort: 8080 }] }] },
        },
      },
    });
  for (let s = 0; s < SERVICES; s++)
    docs.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: `svc-${s}`, namespace: 'bench' },
      spec: {
        selector: { app: `app-${s % groups}` },
        ports: [{ name: 'http', port: 80, targetPort: 'http' }],
      },
    });
  return docs.map((d) => JSON.stringify(d)).join('\n---\n');
}

const dir = mkdtempSync(join(tmpdir(), 'real-mode-'));
const scenarioFile = join(dir, 'scenario.yaml');
writeFileSync(scenarioFile, scenario());

let t0 = performance.now();
const e = await startEmbedded({
  simulation: { scenarioFile, clock: systemClock, ids: randomIds },
  ui: { staticDir: fileURLToPath(new URL('../dist', import.meta.url)) },
});
const startMs = performance.now() - t0;
const lbs = [...e.sim.store.all('loadbalancer')].filter((o) => o.displayName.startsWith('bench__'));
const members = e.sim.store.count('loadbalancer-member');
log(`load average at start: ${load().join(' ')}`);
log(
  `simulation: ${e.sim.dataplane.routers.size} computes, ${lbs.length} Services, ${members} members, started in ${round(startMs / 1000)} s`,
);

const lb = lbs[Math.floor(lbs.length / 2)]!;
const vip = (lb.props.loadbalancer_properties as { vip_address: string }).vip_address;

async function get<T>(url: string): Promise<T> {
  const res = await e.ui.inject(url);
  if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 300)}`);
  return res.json() as T;
}

/** Drops every snapshot of the agents' tables: a config change does (the simulation's change feed). */
let touches = 0;
function dropSnapshots() {
  const project = e.sim.store.all('project').next().value!;
  // A name it never had before: an update to the same value changes nothing and drops nothing.
  e.sim.store.update('project', project.uuid, { display_name: `${project.fqName.at(-1)!} ${++touches}` });
}

// ---- a VIP across every compute ---------------------------------------------------------------------

function topologyInProcess(address: string) {
  const out = [];
  const key = routeKey(parseIpv4(address), 32);
  for (const router of e.sim.dataplane.routers.values())
    for (const vrf of router.vrfs.values()) {
      const route = vrf.routes.get(key);
      if (!route) continue;
      const json = routeJson(router, route);
      const nhs = json.path_list.flatMap((p) => {
        const nh = p.nh ? router.nh.get(p.nh.nh_index) : undefined;
        if (!nh) return [];
        const composite = nhJson(router, nh);
        const components = (nh.type === 'composite' ? nh.componentNh : []).map((id) => {
          const sub = router.nh.get(id);
          return sub ? nhJson(router, sub) : null;
        });
        return [{ composite, components }];
      });
      out.push({ node: router.name, route: json, nhs });
    }
  return out;
}

/** Introspect requests by name, counted while `counting` (the client's one entry point, wrapped). */
const requestsByName = new Map<string, number>();
let counting = false;
const request = IntrospectClient.prototype.request;
IntrospectClient.prototype.request = function (this: IntrospectClient, ...args) {
  if (counting) requestsByName.set(args[1].name, (requestsByName.get(args[1].name) ?? 0) + 1);
  return request.apply(this, args);
};

const topoCold: number[] = [];
const topoWarm: number[] = [];
const topoInProcess: number[] = [];
let topology: VipTopology | undefined;
for (let i = 0; i < RUNS; i++) {
  dropSnapshots();
  counting = i === RUNS - 1;
  t0 = performance.now();
  topology = await get<VipTopology>(`/api/dataplane/topology?vip=${vip}&port=80`);
  topoCold.push(performance.now() - t0);
  counting = false;
  t0 = performance.now();
  await get<VipTopology>(`/api/dataplane/topology?vip=${vip}&port=80`);
  topoWarm.push(performance.now() - t0);
  t0 = performance.now();
  const inProcess = topologyInProcess(vip);
  topoInProcess.push(performance.now() - t0);
  if (inProcess.length === 0) throw new Error(`no compute routes ${vip}`);
}
const withVip = topology!.computes.filter((c) => c.route !== null).length;
const unreachable = topology!.computes.filter((c) => !c.reachable).length;
log(
  `topology of ${vip}:80 (${lb.displayName}) on ${topology!.computes.length} computes (${withVip} with the VIP, ${unreachable} unreachable):`,
);
const loadAfterTopology = load();
const introspectRequests = Object.fromEntries([...requestsByName].sort(([a], [b]) => a.localeCompare(b)));
log(
  `  introspect requests of one cold read (all computes): ${Object.entries(introspectRequests)
    .map(([name, n]) => `${name} ${n}`)
    .join(', ')}`,
);
log(
  `  through introspect: cold ${round(median(topoCold))} ms (runs ${topoCold.map((t) => round(t)).join(', ')}), warm ${round(median(topoWarm))} ms; in process ${round(median(topoInProcess), 2)} ms (goal ≤ 500 ms); load ${loadAfterTopology.join(' ')}`,
);

// ---- the topology screen in Chromium ---------------------------------------------------------------

/**
 * ms from navigation start until `selector` is on the page and a frame with it was painted. In-page
 * probes are strings: tsx's transpiled closures reference helpers the page does not have.
 */
function painted(page: Page, selector: string): Promise<number> {
  return page.evaluate<number>(`new Promise((resolve) => {
    const check = () => {
      if (document.querySelector(${JSON.stringify(selector)})) requestAnimationFrame(() => resolve(performance.now()));
      else requestAnimationFrame(check);
    };
    check();
  })`);
}

const FIRST_SLOT_ROW = '[role="table"][aria-label^="Slots of"] [role="row"][aria-rowindex="2"]';
const FIRST_GRAPH_NODE = '[role="figure"][aria-label^="ECMP topology of"] .react-flow__node';

const base = await e.ui.listen({ host: '127.0.0.1', port: 0 });
const screenUrl = `${base}/topology?lb=${lb.uuid}`;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--disable-gpu'],
});
const paintTable: number[] = [];
const paintGraph: number[] = [];
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.setDefaultTimeout(120_000);
  // Warm-up: the browser's cache holds the SPA's chunks (elk and React Flow among them) afterwards.
  await page.goto(screenUrl, { waitUntil: 'commit' });
  await painted(page, FIRST_GRAPH_NODE);
  for (let i = 0; i < RUNS; i++) {
    dropSnapshots();
    await page.goto(screenUrl, { waitUntil: 'commit' });
    const [table, graph] = await Promise.all([
      painted(page, FIRST_SLOT_ROW),
      painted(page, FIRST_GRAPH_NODE),
    ]);
    paintTable.push(table);
    paintGraph.push(graph);
  }
  await page.close();
} finally {
  await browser.close();
}
const loadAfterPaint = load();
log(`topology screen (/topology?lb=…) in Chromium, agents' tables cold:`);
log(
  `  first slot row painted ${round(median(paintTable))} ms, first graph node ${round(median(paintGraph))} ms after navigation; load ${loadAfterPaint.join(' ')}`,
);

// ---- the consistency sweep ----------------------------------------------------------------------------

function consistencyInProcess() {
  let drift = 0;
  for (const o of lbs) {
    const [ns, name] = o.displayName.split('__') as [string, string];
    const endpoints = e.sim.cluster.get('Endpoints', ns, name);
    const ready = new Set((endpoints?.subsets ?? []).flatMap((s) => (s.addresses ?? []).map((a) => a.ip)));
    const addr = (o.props.loadbalancer_properties as { vip_address: string }).vip_address;
    const listeners = e.sim.store.backRefs(o.uuid, 'loadbalancer-listener');
    const memberIps = new Set<string>();
    for (const l of listeners)
      for (const pool of e.sim.store.backRefs(l.object.uuid, 'loadbalancer-pool'))
        for (const m of e.sim.store.children(pool.object.uuid, 'loadbalancer-member')) {
          const ip = (m.props.loadbalancer_member_properties as { address?: string } | undefined)?.address;
          if (ip) memberIps.add(ip);
        }
    if (memberIps.size !== ready.size) drift++;
    const key = routeKey(parseIpv4(addr), 32);
    for (const router of e.sim.dataplane.routers.values())
      for (const vrf of router.vrfs.values()) {
        const route = vrf.routes.get(key);
        if (route) routeJson(router, route);
      }
  }
  return drift;
}

const sweepCold: number[] = [];
const sweepInProcess: number[] = [];
let report: ConsistencyReport | undefined;
for (let i = 0; i < RUNS; i++) {
  dropSnapshots();
  t0 = performance.now();
  report = await get<ConsistencyReport>('/api/consistency');
  sweepCold.push(performance.now() - t0);
  t0 = performance.now();
  consistencyInProcess();
  sweepInProcess.push(performance.now() - t0);
}
const consistent = report!.loadbalancers.filter((l) => l.consistent).length;
log(
  `consistency sweep of ${report!.loadbalancers.length} load balancers (${consistent} consistent, ${report!.unchecked.length} layers unchecked):`,
);
const loadAfterSweep = load();
log(
  `  through the protocols: ${round(median(sweepCold))} ms; in process ${round(median(sweepInProcess))} ms (goal ≤ 5000 ms); load ${loadAfterSweep.join(' ')}`,
);

await e.close();
rmSync(dir, { recursive: true, force: true });

log(
  JSON.stringify({
    computes: COMPUTES,
    services: lbs.length,
    members,
    runs: RUNS,
    topology: {
      computes: topology!.computes.length,
      withVip,
      coldMs: round(median(topoCold)),
      warmMs: round(median(topoWarm)),
      inProcessMs: round(median(topoInProcess), 2),
      coldVsInProcess: round(median(topoCold) / median(topoInProcess)),
      introspectRequests,
      firstPaintMs: { slotTable: round(median(paintTable)), graph: round(median(paintGraph)) },
      loadAvg: loadAfterTopology,
      paintLoadAvg: loadAfterPaint,
    },
    consistency: {
      loadbalancers: report!.loadbalancers.length,
      consistent,
      sweepMs: round(median(sweepCold)),
      inProcessMs: round(median(sweepInProcess)),
      sweepVsInProcess: round(median(sweepCold) / median(sweepInProcess)),
      loadAvg: loadAfterSweep,
    },
  }),
);
