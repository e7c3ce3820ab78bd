// Benchmark of kube-manager reconciliation: cold start over 10k Services × 10 ready endpoints,
// then the latency of single changes (add a Service, flip a pod's readiness) at 10k and at 10;
// and the event-loop delay (monitorEventLoopDelay) while a cold reconcile and a 10k-object
// manifest apply run in slices, which is how long any request could wait behind them (goal,
// issue 8: p99 ≤ 50 ms; kube-manager's slices are about 5 ms of drains of a few ms each).
// Prints readable lines, then one JSON line with the figures.

import { loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Cluster } from '@server/cluster/cluster.ts';
import { validateDocument } from '@server/cluster/manifest.ts';
import { createDefaultObjects } from '@server/config-api/bootstrap.ts';
import { ConfigStore } from '@server/config-api/store.ts';
import { inProcessClient } from '@server/kube-api/in-process.ts';
import { KubeManager } from '@server/kube-manager/kube-manager.ts';

const ENDPOINTS_PER_SERVICE = 10;
/** Each group of 10 pods backs this many Services, so 10k Services need 10k pods, not 100k. */
const SERVICES_PER_GROUP = 10;
const COMPUTE_NODES = 10;
const SAMPLES = 200;

function buildCluster(services: number): Cluster {
  const cluster = new Cluster();
  const groups = Math.max(1, Math.ceil(services / SERVICES_PER_GROUP));
  const docs: unknown[] = [];
  for (let n = 1; n <= COMPUTE_NODES; n++)
    docs.push({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: `node-${n}` },
      status: { addresses: [{ type: 'InternalIP', address: `10.85.0.${n}` }] },
    });
  docs.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench' } });
  for (let g = 0; g < groups; g++)
    docs.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: `app-${g}`, namespace: 'bench' },
      spec: {
        replicas: ENDPOINTS_PER_SERVICE,
        selector: { matchLabels: { app: `app-${g}` } },
        template: {
          metadata: { labels: { app: `app-${g}` } },
          spec: { containers: [{ name: 'c', ports: [{ name: 'http', containerPort: 8080 }] }] },
        },
      },
    });
  for (let s = 0; s < services; s++) docs.push(serviceDoc(`svc-${s}`, `app-${s % groups}`));
  cluster.applyDocuments(docs.map((d, i) => validateDocument(d, i)));
  return cluster;
}

function serviceDoc(name: string, app: string): unknown {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'bench' },
    spec: { selector: { app }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;

async function measure(label: string, services: number) {
  const buildStart = performance.now();
  const cluster = buildCluster(services);
  const buildMs = performance.now() - buildStart;
  const store = new ConfigStore();
  createDefaultObjects(store);
  const before = store.size;
  const km = new KubeManager(store, inProcessClient(cluster), {
    resyncIntervalMs: 0,
    schedule: () => undefined,
  });
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const coldStart = performance.now();
  const cpuBefore = process.cpuUsage();
  const cold = await km.start();
  const coldMs = performance.now() - coldStart;
  const coldCpu = process.cpuUsage(cpuBefore);
  // On a shared machine the process does not get a core to itself: a wall-clock stall then holds
  // time the process was not even running. CPU time / wall time says how much it had.
  const coldCpuShare = (coldCpu.user + coldCpu.system) / 1000 / coldMs;
  delay.disable();
  const coldLoopDelayMaxMs = delay.max / 1e6;
  const coldLoopDelayP99Ms = delay.percentile(99) / 1e6;
  if (cold.errors.length > 0) throw new Error(`cold reconcile failed: ${cold.errors[0]!.message}`);
  const written = cold.created.length + cold.updated.length;
  process.stdout.write(
    `${label}: cluster built in ${(buildMs / 1000).toFixed(2)} s; cold reconcile ${(coldMs / 1000).toFixed(2)} s ` +
      `(event-loop delay p99 ${coldLoopDelayP99Ms.toFixed(1)} ms, max ${coldLoopDelayMaxMs.toFixed(1)} ms; ` +
      `process CPU ${(coldCpuShare * 100).toFixed(0)}% of wall time), ` +
      `${written} objects written (store ${before} → ${store.size})\n`,
  );

  const resyncStart = performance.now();
  const resync = km.resync();
  const resyncMs = performance.now() - resyncStart;
  const resyncWrites = resync.created.length + resync.updated.length + resync.deleted.length;

  const groups = Math.max(1, Math.ceil(services / SERVICES_PER_GROUP));
  const addMs: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const doc = validateDocument(serviceDoc(`added-${i}`, `app-${i % groups}`), 0);
    const start = performance.now();
    cluster.applyDocuments([doc]);
    const result = km.flush();
    addMs.push(performance.now() - start);
    if (result.created.length !== 6 + ENDPOINTS_PER_SERVICE)
      throw new Error(`add wrote ${result.created.length} objects`);
    // Untimed: remove it again, so every sample (and the readiness run) sees the same cluster size.
    cluster.delete('Service', 'bench', `added-${i}`);
    km.flush();
  }
  const pod = cluster.list('Pod', 'bench')[0]!;
  const readinessMs: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const start = performance.now();
    cluster.setPodReadiness('bench', pod.metadata.name, i % 2 === 1);
    const result = km.flush();
    readinessMs.push(performance.now() - start);
    if (result.errors.length > 0 || result.created.length + result.deleted.length === 0)
      throw new Error('readiness change wrote nothing');
  }
  addMs.sort((a, b) => a - b);
  readinessMs.sort((a, b) => a - b);
  const figures = {
    services,
    coldMs: round(coldMs),
    coldLoopDelayP99Ms: round(coldLoopDelayP99Ms),
    coldLoopDelayMaxMs: round(coldLoopDelayMaxMs),
    coldCpuShare: Math.round(coldCpuShare * 100) / 100,
    objectsWritten: written,
    storeObjects: store.size,
    resyncMs: round(resyncMs),
    resyncWrites,
    addServiceP50Ms: round(percentile(addMs, 50)),
    addServiceP99Ms: round(percentile(addMs, 99)),
    readinessP50Ms: round(percentile(readinessMs, 50)),
    readinessP99Ms: round(percentile(readinessMs, 99)),
  };
  process.stdout.write(
    `${label}: resync with no change ${resyncMs.toFixed(0)} ms, ${resyncWrites} writes; ` +
      `add one Service p50 ${figures.addServiceP50Ms} ms p99 ${figures.addServiceP99Ms} ms; ` +
      `flip one pod's readiness (${SERVICES_PER_GROUP} Services) p50 ${figures.readinessP50Ms} ms p99 ${figures.readinessP99Ms} ms ` +
      `(${SAMPLES} samples each)\n`,
  );
  km.stop();
  return figures;
}

/** A 10k-object manifest applied in slices (as POST /api/cluster/apply does), with the loop delay. */
async function measureApply(objects: number) {
  const cluster = new Cluster();
  const docs: unknown[] = [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bulk' } }];
  for (let i = 1; i < objects; i++)
    docs.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: `svc-${i}`, namespace: 'bulk' },
      spec: { ports: [{ port: 80 }] },
    });
  const parsed = docs.map((d, i) => validateDocument(d, i));
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const start = performance.now();
  await cluster.applyDocumentsInSlices(parsed, () => new Promise((resolve) => setImmediate(resolve)));
  const applyMs = performance.now() - start;
  delay.disable();
  const out = {
    objects,
    applyMs: round(applyMs),
    loopDelayP99Ms: round(delay.percentile(99) / 1e6),
    loopDelayMaxMs: round(delay.max / 1e6),
  };
  process.stdout.write(
    `apply of ${objects} objects in slices: ${(applyMs / 1000).toFixed(2)} s, event-loop delay p99 ${out.loopDelayP99Ms} ms, max ${out.loopDelayMaxMs} ms\n`,
  );
  return out;
}

/**
 * The event-loop delay of this process doing nothing for `ms`: the machine's own floor. On a shared
 * machine the process is not always scheduled, and every figure below includes that.
 */
async function idleLoopDelay(ms: number) {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  await new Promise((resolve) => setTimeout(resolve, ms));
  delay.disable();
  const out = { p99Ms: round(delay.percentile(99) / 1e6), maxMs: round(delay.max / 1e6) };
  process.stdout.write(
    `idle for ${ms / 1000} s: event-loop delay p99 ${out.p99Ms} ms, max ${out.maxMs} ms\n`,
  );
  return out;
}

const idle = await idleLoopDelay(3000);
// Warm the JIT on a small cluster so the 10-Service figures are not first-run figures.
await measure('warm-up (10 Services)', 10);
const large = await measure('10k Services', 10_000);
const small = await measure('10 Services', 10);
const bulk = await measureApply(10_000);
const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
const summary = {
  benchmark: 'reconcile',
  services: large.services,
  endpointsPerService: ENDPOINTS_PER_SERVICE,
  pods: Math.ceil(large.services / SERVICES_PER_GROUP) * ENDPOINTS_PER_SERVICE,
  coldReconcileMs: large.coldMs,
  coldReconcileLoopDelayP99Ms: large.coldLoopDelayP99Ms,
  coldReconcileLoopDelayMaxMs: large.coldLoopDelayMaxMs,
  coldReconcileCpuShare: large.coldCpuShare,
  idleLoopDelayP99Ms: idle.p99Ms,
  idleLoopDelayMaxMs: idle.maxMs,
  apply10kMs: bulk.applyMs,
  apply10kLoopDelayP99Ms: bulk.loopDelayP99Ms,
  apply10kLoopDelayMaxMs: bulk.loopDelayMaxMs,
  objectsWritten: large.objectsWritten,
  storeObjects: large.storeObjects,
  idleResyncMs: large.resyncMs,
  idleResyncWrites: large.resyncWrites,
  addServiceP50Ms: large.addServiceP50Ms,
  addServiceP99Ms: large.addServiceP99Ms,
  readinessP50Ms: large.readinessP50Ms,
  readinessP99Ms: large.readinessP99Ms,
  small: { addServiceP99Ms: small.addServiceP99Ms, readinessP99Ms: small.readinessP99Ms },
  addServiceP99Ratio: ratio(large.addServiceP99Ms, small.addServiceP99Ms),
  readinessP99Ratio: ratio(large.readinessP99Ms, small.readinessP99Ms),
  peakRssMb,
  /** The machine's 1-minute load average at the end: wall-clock figures are indicative above the core count. */
  loadAverage: Math.round(loadavg()[0]! * 100) / 100,
  goals: { coldReconcileLoopDelayP99Ms: 50, apply10kLoopDelayP99Ms: 50 },
};
process.stdout.write(
  `peak RSS ${peakRssMb} MB; p99 ratio 10k/10: add ${summary.addServiceP99Ratio}×, readiness ${summary.readinessP99Ratio}×\n`,
);
process.stdout.write(`${JSON.stringify(summary)}\n`);
