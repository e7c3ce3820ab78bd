// kube-manager over real HTTP to the embedded Kubernetes API, through a TCP proxy that breaks
// the streams: a watch killed mid-stream, a watch expired past the history window (410, relist),
// and a half-open watch (silent; found by the idle timeout). Each time a Service is deleted while
// the stream is broken, and kube-manager must still remove its loadbalancer: no lost delete.

import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { ManualClock } from '@server/clock.ts';
import { Cluster } from '@server/cluster/cluster.ts';
import { loadScenario } from '@server/cluster/scenario.ts';
import { createDefaultObjects } from '@server/config-api/bootstrap.ts';
import { ConfigStore } from '@server/config-api/store.ts';
import { sequentialIds } from '@server/ids.ts';
import { httpKubeClient } from '@server/kube-api/client.ts';
import { buildKubeApi } from '@server/kube-api/http.ts';
import { TcpProxy } from '@server/testing/tcp-proxy.ts';
import { KubeManager } from './kube-manager.ts';
import type { InformerOptions } from './informer.ts';

const closers: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function setup(
  opts: { historyLimit?: number; bookmarkIntervalMs?: number; informer?: InformerOptions } = {},
) {
  const clock = new ManualClock();
  const cluster = new Cluster({
    clock,
    ids: sequentialIds('aaaaaaaa-0000-4000-8000-'),
    historyLimit: opts.historyLimit ?? 50_000,
  });
  loadScenario(cluster);
  const api: FastifyInstance = await buildKubeApi({
    cluster,
    clock,
    bookmarkIntervalMs: opts.bookmarkIntervalMs ?? 0,
  });
  const url = new URL(await api.listen({ host: '127.0.0.1', port: 0 }));
  const proxy = new TcpProxy(Number(url.port));
  const proxied = await proxy.listen();
  const store = new ConfigStore(clock, sequentialIds());
  createDefaultObjects(store);
  const km = new KubeManager(
    store,
    httpKubeClient({ server: proxied, readOnly: false, description: proxied }),
    {
      resyncIntervalMs: 0,
      informer: { initialBackoffMs: 1, maxBackoffMs: 20, idleTimeoutMs: 0, ...opts.informer },
    },
  );
  closers.push(
    () => api.close(),
    () => proxy.close(),
    () => km.stop(),
  );
  await km.start();
  return { cluster, store, km, proxy };
}

/** Resolves when `done()` holds after a drain (kube-manager drains after every change it sees). */
function converged(km: KubeManager, done: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (done()) return resolve();
    const off = km.onDrain(() => {
      if (done()) {
        off();
        resolve();
      }
    });
  });
}

const lbUid = (cluster: Cluster, name: string) => cluster.get('Service', 'ns-user-1', name)!.metadata.uid;

describe('kube-manager watching through list + watch over HTTP', () => {
  it('re-watches after the stream is killed mid-stream and loses no delete', async () => {
    const { cluster, store, km, proxy } = await setup();
    const uid = lbUid(cluster, 'service-web-lb');
    expect(store.get(uid)).toBeDefined();
    proxy.killAll();
    cluster.delete('Service', 'ns-user-1', 'service-web-lb');
    await converged(km, () => store.get(uid) === undefined);
    expect(store.get(uid)).toBeUndefined();
    expect(km.informerStats().Service!.watches).toBeGreaterThan(1);
    // And it keeps following changes on the new stream.
    cluster.scaleDeployment('ns-user-1', 'webserver', 3);
    await converged(km, () => store.count('virtual-machine') === 4);
  }, 30_000);

  it('relists after 410 Gone when its resourceVersion left the history window, and loses no delete', async () => {
    const { cluster, store, km, proxy } = await setup({ historyLimit: 20 });
    const uid = lbUid(cluster, 'service-web-clusterip-mp');
    proxy.killAll();
    // While nobody watches: the delete, then enough changes to push it out of the window.
    cluster.delete('Service', 'ns-user-1', 'service-web-clusterip-mp');
    for (let i = 0; i < 40; i++) {
      cluster.setPodReadiness('ns-user-1', 'client', i % 2 === 1);
    }
    await converged(km, () => store.get(uid) === undefined);
    expect(km.informerStats().Service!.expired).toBeGreaterThanOrEqual(1);
    expect(km.informerStats().Service!.lists).toBeGreaterThanOrEqual(2);
  }, 30_000);

  it('drops a half-open stream after its idle timeout (bookmarks keep healthy ones alive) and loses no delete', async () => {
    const { cluster, store, km, proxy } = await setup({
      bookmarkIntervalMs: 20,
      informer: { idleTimeoutMs: 300 },
    });
    const uid = lbUid(cluster, 'service-web-clusterip');
    proxy.blackholeAll();
    cluster.delete('Service', 'ns-user-1', 'service-web-clusterip');
    await converged(km, () => store.get(uid) === undefined);
    expect(km.informerStats().Service!.errors).toBeGreaterThanOrEqual(1);
  }, 30_000);

  it('stays paused (watching, writing nothing) until resumed, then converges', async () => {
    const { cluster, store, km } = await setup();
    const uid = lbUid(cluster, 'service-web-lb');
    await km.setPaused(true);
    cluster.delete('Service', 'ns-user-1', 'service-web-lb');
    // Its watch delivers the delete; paused, it applies nothing (a stuck controller: drift).
    await new Promise<void>((resolve) => {
      const check = () =>
        km.observed('Service', 'ns-user-1', 'service-web-lb') ? setImmediate(check) : resolve();
      check();
    });
    km.flush();
    expect(store.get(uid)).toBeDefined();
    await km.setPaused(false);
    expect(store.get(uid)).toBeUndefined();
  }, 30_000);
});
