// kube-manager's figures for the operator: the queue depth by kind (changes seen, not yet written)
// and the reconcile latency (change seen → everything queued with it written), read through the
// Prometheus implementation of the Metrics interface, as GET /metrics serves them.

import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '@server/clock.ts';
import { Cluster } from '@server/cluster/cluster.ts';
import { loadScenario } from '@server/cluster/scenario.ts';
import { createDefaultObjects } from '@server/config-api/bootstrap.ts';
import { ConfigStore } from '@server/config-api/store.ts';
import { sequentialIds } from '@server/ids.ts';
import { inProcessClient } from '@server/kube-api/in-process.ts';
import { startSimulation, type Simulation } from '@server/simulation.ts';
import { PrometheusMetrics } from '@server/ui-server/metrics.ts';
import { KubeManager } from './kube-manager.ts';
import { ManualTimers } from './testing/harness.ts';

const NS = 'ns-user-1';

/** The value of one sample line of the exposition text (`name{labels} value`). */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('kube-manager metrics', () => {
  let simulation: Simulation | undefined;
  afterEach(async () => {
    await simulation?.stop();
    simulation = undefined;
  });

  it('reports the queue depth by kind and one latency observation per converged queue', async () => {
    const clock = new ManualClock();
    const store = new ConfigStore(clock, sequentialIds('00000000-0000-4000-8000-'));
    createDefaultObjects(store);
    const cluster = new Cluster({ clock, ids: sequentialIds('aaaaaaaa-0000-4000-8000-') });
    loadScenario(cluster);
    const metrics = new PrometheusMetrics();
    const km = new KubeManager(store, inProcessClient(cluster), {
      resyncIntervalMs: 0,
      schedule: () => undefined,
      informer: { timers: new ManualTimers(), idleTimeoutMs: 0 },
      metrics,
    });
    await km.start();
    let text = await metrics.registry.metrics();
    expect(sample(text, 'kube_manager_queue_depth{kind="Service"}')).toBe(0);
    expect(sample(text, 'kube_manager_queue_depth{kind="Pod"}')).toBe(0);
    // The cold reconcile is the first converged queue.
    expect(sample(text, 'kube_manager_reconcile_latency_seconds_count')).toBe(1);

    // Two Services and the three pods a scale-up makes, seen and not yet reconciled.
    cluster.applyManifest(`apiVersion: v1
kind: Service
metadata: {name: one, namespace: ${NS}}
spec: {selector: {app: webserver}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: two, namespace: ${NS}}
spec: {selector: {app: webserver}, ports: [{port: 81}]}
`);
    cluster.scaleDeployment(NS, 'webserver', 5);
    text = await metrics.registry.metrics();
    // The Services the scale-up's Endpoints touch are queued too: one, two and the three seeded.
    expect(sample(text, 'kube_manager_queue_depth{kind="Service"}')).toBe(5);
    expect(sample(text, 'kube_manager_queue_depth{kind="Pod"}')).toBe(3);
    expect(sample(text, 'kube_manager_queue_depth{kind="Namespace"}')).toBe(0);

    km.flush();
    text = await metrics.registry.metrics();
    expect(sample(text, 'kube_manager_queue_depth{kind="Service"}')).toBe(0);
    expect(sample(text, 'kube_manager_queue_depth{kind="Pod"}')).toBe(0);
    expect(sample(text, 'kube_manager_queue_depth{kind="Node"}')).toBe(0);
    expect(sample(text, 'kube_manager_reconcile_latency_seconds_count')).toBe(2);
    expect(sample(text, 'kube_manager_reconcile_latency_seconds_bucket{le="+Inf"}')).toBe(2);
    km.stop();
  });

  it('are registered by the simulation on the metrics it is given', async () => {
    const metrics = new PrometheusMetrics();
    simulation = await startSimulation({ metrics });
    const text = await metrics.text();
    expect(sample(text, 'kube_manager_queue_depth{kind="Service"}')).toBe(0);
    expect(sample(text, 'kube_manager_reconcile_latency_seconds_count')).toBeGreaterThanOrEqual(1);
  });
});
