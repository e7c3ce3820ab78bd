// Benchmark of the Kubernetes API listener and of kube-manager watching it over loopback HTTP:
// (1) `kubectl apply` of one manifest with 1,000 Services + 1,000 Deployments until every
// loadbalancer is in the config store; (2) one change fanned out to 1,000 open watches; (3) a
// 10k-pod list read in pages of 500. Prints readable lines, then one JSON line with the figures.
// Goals (issue): apply-to-converged ≤ 10 s, fan-out p99 ≤ 100 ms, page p50 ≤ 20 ms.
// The apply is also split in phases, to show where the time goes: kubectl reading and checking the
// manifest before its first write (client-side apply decodes the group-version's OpenAPI v3
// document once per object, kubernetes/kubernetes#127095, while the server waits), then kubectl's
// requests one at a time (GET, then POST or PATCH, per object) with the server's CPU time in them.

import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import http from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Cluster } from '@server/cluster/cluster.ts';
import { validateDocument } from '@server/cluster/manifest.ts';
import { buildKubeApi } from '@server/kube-api/http.ts';
import { writeKubeconfig } from '@server/kube-api/kubeconfig.ts';
import { startSimulation } from '@server/simulation.ts';
// @ts-expect-error -- a plain .mjs script shared with the command line
import { ensureKubectl } from '../scripts/ensure-kubectl.mjs';

const SERVICES = 1000;
const WATCHERS = 1000;
const PODS = 10_000;
const PAGE = 500;

const round = (ms: number) => Math.round(ms * 100) / 100;
/** Milliseconds as seconds for the readable lines: `1.23 s`. */
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};

function manifest(count: number): string {
  const docs: string[] = ['apiVersion: v1\nkind: Namespace\nmetadata: {name: bench}\n'];
  for (let i = 0; i < count; i++)
    docs.push(
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: app-${i}, namespace: bench}
spec:
  replicas: 1
  selector: {matchLabels: {app: app-${i}}}
  template:
    metadata: {labels: {app: app-${i}}}
    spec: {containers: [{name: c, image: nginx, ports: [{name: http, containerPort: 8080}]}]}
`,
      `apiVersion: v1
kind: Service
metadata: {name: svc-${i}, namespace: bench}
spec: {selector: {app: app-${i}}, ports: [{name: http, port: 80, targetPort: http}]}
`,
    );
  return docs.join('---\n');
}

async function applyToConverged(serverSide: boolean) {
  const kubectl = ensureKubectl() as string;
  const dir = mkdtempSync(join(tmpdir(), 'bench-kube-api-'));
  const sim = await startSimulation();
  const kubeconfig = writeKubeconfig(dir, sim.kubeApiUrl);
  const file = join(dir, 'bench.yaml');
  writeFileSync(file, manifest(SERVICES));
  const target = sim.store.count('loadbalancer') + SERVICES;
  const converged = new Promise<number>((resolve) => {
    const check = () => {
      if (sim.store.count('loadbalancer') >= target) resolve(performance.now());
    };
    sim.kubeManager.onDrain(check);
  });
  // The first write kubectl makes ends its client-side phase.
  let firstWrite: number | undefined;
  const unsubscribe = sim.cluster.subscribe(({ object }) => {
    if (object.kind === 'Namespace' && object.metadata.name === 'bench') firstWrite ??= performance.now();
  });
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  const code = await new Promise<number | null>((resolve, reject) => {
    const args = [
      'apply',
      '-f',
      file,
      `--cache-dir=${join(dir, 'cache')}`,
      ...(serverSide ? ['--server-side'] : []),
    ];
    const child = spawn(kubectl, args, {
      env: { ...process.env, KUBECONFIG: kubeconfig },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child.on('error', reject);
    child.on('close', resolve);
  });
  const applied = performance.now();
  if (code !== 0) throw new Error(`kubectl apply exited ${code}`);
  const done = await converged;
  const cpu = process.cpuUsage(cpuBefore);
  unsubscribe();
  const figures = {
    objects: 2 * SERVICES + 1,
    kubectlMs: round(applied - start),
    convergedMs: round(done - start),
    beforeFirstWriteMs: round((firstWrite ?? applied) - start),
    serverCpuMs: round((cpu.user + cpu.system) / 1000),
  };
  process.stdout.write(
    `kubectl apply${serverSide ? ' --server-side' : ''} of ${figures.objects} objects: kubectl done in ${s(figures.kubectlMs)}, ` +
      `all ${SERVICES} loadbalancers in the config store after ${s(figures.convergedMs)} ` +
      `(kubectl alone before its first write ${s(figures.beforeFirstWriteMs)}; then requests until done ` +
      `${s(figures.kubectlMs - figures.beforeFirstWriteMs)}; server CPU ${s(figures.serverCpuMs)} in all)\n`,
  );
  await sim.stop();
  return figures;
}

async function watchFanOut() {
  const cluster = new Cluster();
  cluster.applyDocuments([
    validateDocument({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench' } }, 0),
  ]);
  const app = await buildKubeApi({ cluster, bookmarkIntervalMs: 0 });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  // The clients run in their own process: what is measured is the server's fan-out.
  const clients = spawn(process.execPath, [
    fileURLToPath(new URL('./watch-clients.mjs', import.meta.url)),
    `${url}/api/v1/namespaces/bench/services?watch=1&resourceVersion=${cluster.resourceVersion}`,
    String(WATCHERS),
  ]);
  let out = '';
  const lines: string[] = [];
  const waiters: (() => void)[] = [];
  clients.stdout.on('data', (c: Buffer) => {
    out += c.toString();
    let at: number;
    while ((at = out.indexOf('\n')) >= 0) {
      lines.push(out.slice(0, at));
      out = out.slice(at + 1);
      waiters.shift()?.();
    }
  });
  clients.stderr.pipe(process.stderr);
  const nextLine = () =>
    new Promise<string>((resolve) =>
      lines.length > 0 ? resolve(lines.shift()!) : waiters.push(() => resolve(lines.shift()!)),
    );
  if ((await nextLine()) !== 'open') throw new Error('watch clients did not open');
  const changedAt = performance.timeOrigin + performance.now();
  cluster.applyDocuments([
    validateDocument(
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'one', namespace: 'bench' },
        spec: { ports: [{ port: 80 }] },
      },
      0,
    ),
  ]);
  const latencies = (JSON.parse(await nextLine()) as number[]).map((t) => t - changedAt);
  await app.close();
  const figures = {
    watchers: WATCHERS,
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99)),
    maxMs: round(Math.max(...latencies)),
  };
  process.stdout.write(
    `one change to ${WATCHERS} watches (clients in another process): p50 ${figures.p50Ms} ms, p99 ${figures.p99Ms} ms, max ${figures.maxMs} ms\n`,
  );
  return figures;
}

async function pagedList() {
  const cluster = new Cluster();
  const docs: unknown[] = [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench' } }];
  for (let n = 1; n <= 10; n++)
    docs.push({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: `node-${n}` },
      status: { addresses: [{ type: 'InternalIP', address: `10.85.0.${n}` }] },
    });
  for (let d = 0; d < PODS / 100; d++)
    docs.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: `app-${d}`, namespace: 'bench' },
      spec: {
        replicas: 100,
        selector: { matchLabels: { app: `app-${d}` } },
        template: { metadata: { labels: { app: `app-${d}` } }, spec: { containers: [{ name: 'c' }] } },
      },
    });
  cluster.applyDocuments(docs.map((d, i) => validateDocument(d, i)));
  const app = await buildKubeApi({ cluster, bookmarkIntervalMs: 0 });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const agent = new http.Agent({ keepAlive: true });
  const get = (path: string) =>
    new Promise<string>((resolve, reject) => {
      http
        .get(`${url}${path}`, { agent }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => resolve(body));
        })
        .on('error', reject);
    });
  const pages: number[] = [];
  let count = 0;
  for (let walk = 0; walk < 3; walk++) {
    let token: string | undefined;
    count = 0;
    do {
      const start = performance.now();
      const body = JSON.parse(
        await get(`/api/v1/pods?limit=${PAGE}${token ? `&continue=${token}` : ''}`),
      ) as { items: unknown[]; metadata: { continue?: string } };
      if (walk > 0) pages.push(performance.now() - start); // the first walk warms the JIT
      count += body.items.length;
      token = body.metadata.continue;
    } while (token);
  }
  agent.destroy();
  await app.close();
  const figures = {
    pods: count,
    pageSize: PAGE,
    pages: pages.length,
    p50Ms: round(percentile(pages, 50)),
    p99Ms: round(percentile(pages, 99)),
  };
  process.stdout.write(
    `list of ${count} pods in pages of ${PAGE}: page p50 ${figures.p50Ms} ms, p99 ${figures.p99Ms} ms (${pages.length} pages)\n`,
  );
  return figures;
}

// `--part=watch` (or apply, list) runs one part alone, for quick looks; the summary needs all three.
const part = process.argv.find((a) => a.startsWith('--part='))?.slice('--part='.length);
if (part === 'watch' || part === 'list' || part === 'apply') {
  const figures =
    part === 'watch'
      ? await watchFanOut()
      : part === 'list'
        ? await pagedList()
        : await applyToConverged(false);
  process.stdout.write(`${JSON.stringify(figures)}\n`);
  process.exit(0);
}
const apply = await applyToConverged(false);
const applySsa = await applyToConverged(true);
const fanOut = await watchFanOut();
const list = await pagedList();
const summary = {
  benchmark: 'kube-api',
  applyObjects: apply.objects,
  applyKubectlMs: apply.kubectlMs,
  applyToConvergedMs: apply.convergedMs,
  applyBeforeFirstWriteMs: apply.beforeFirstWriteMs,
  applyServerCpuMs: apply.serverCpuMs,
  serverSideApplyToConvergedMs: applySsa.convergedMs,
  serverSideApplyBeforeFirstWriteMs: applySsa.beforeFirstWriteMs,
  watchers: fanOut.watchers,
  watchFanOutP50Ms: fanOut.p50Ms,
  watchFanOutP99Ms: fanOut.p99Ms,
  listPods: list.pods,
  listPageSize: list.pageSize,
  listPageP50Ms: list.p50Ms,
  listPageP99Ms: list.p99Ms,
  goals: { applyToConvergedMs: 10_000, watchFanOutP99Ms: 100, listPageP50Ms: 20 },
  /** The machine's 1-minute load average at the end: wall-clock figures are indicative above the core count. */
  loadAverage: Math.round(loadavg()[0]! * 100) / 100,
};
process.stdout.write(`${JSON.stringify(summary)}\n`);
process.exit(0);
