// Watches of the Kubernetes API as clients see them: the raw stream (replay from a version, 410
// Expired past the history window, bookmarks) and @kubernetes/client-node's makeInformer, which
// must see adds, updates and deletes and survive a 410 by relisting.

import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { CoreV1Api, KubeConfig, makeInformer, type V1Service } from '@kubernetes/client-node';
import { Cluster } from '@server/cluster/cluster.ts';
import { loadScenario } from '@server/cluster/scenario.ts';
import { validateDocument } from '@server/cluster/manifest.ts';
import { buildKubeApi, watchHubOf } from './http.ts';

const closers: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function serve(historyLimit = 50_000) {
  const cluster = new Cluster({ historyLimit });
  loadScenario(cluster);
  const app: FastifyInstance = await buildKubeApi({ cluster, bookmarkIntervalMs: 0 });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  closers.push(() => app.close());
  return { cluster, app, url };
}

/** Opens a raw watch and collects its lines; `until` resolves when a collected line matches. */
function openWatch(url: string) {
  const lines: { type: string; object: Record<string, unknown> }[] = [];
  const waiters: { test: () => boolean; resolve: () => void }[] = [];
  let ended = false;
  const req = http.get(url, (res) => {
    let buffer = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buffer += chunk;
      let at: number;
      while ((at = buffer.indexOf('\n')) >= 0) {
        lines.push(JSON.parse(buffer.slice(0, at)));
        buffer = buffer.slice(at + 1);
      }
      for (const w of waiters) if (w.test()) w.resolve();
    });
    res.on('end', () => {
      ended = true;
      for (const w of waiters) if (w.test()) w.resolve();
    });
  });
  closers.push(() => void req.destroy());
  return {
    lines,
    until: (test: () => boolean) =>
      new Promise<void>((resolve) => (test() ? resolve() : waiters.push({ test, resolve }))),
    ended: () => ended,
  };
}

const svcDoc = (name: string) =>
  validateDocument(
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: 'ns-user-1' },
      spec: { ports: [{ port: 80 }] },
    },
    0,
  );

describe('raw watch streams', () => {
  it('replays from a resourceVersion, then streams; bookmarks carry the current version', async () => {
    const { cluster, app, url } = await serve();
    const from = cluster.resourceVersion;
    cluster.applyDocuments([svcDoc('early')]);
    const w = openWatch(
      `${url}/api/v1/namespaces/ns-user-1/services?watch=1&resourceVersion=${from}&allowWatchBookmarks=true`,
    );
    await w.until(() => w.lines.length >= 1);
    expect(w.lines[0]).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'early' } } });
    cluster.delete('Service', 'ns-user-1', 'early');
    await w.until(() => w.lines.some((l) => l.type === 'DELETED'));
    watchHubOf(app).sendBookmarks();
    await w.until(() => w.lines.some((l) => l.type === 'BOOKMARK'));
    expect(w.lines.find((l) => l.type === 'BOOKMARK')!.object).toEqual({
      kind: 'Service',
      apiVersion: 'v1',
      metadata: { resourceVersion: String(cluster.resourceVersion) },
    });
  });

  it('answers a watch from a version older than the history with an ERROR event, 410 Expired', async () => {
    const { cluster, url } = await serve(5);
    for (let i = 0; i < 10; i++) cluster.setPodReadiness('ns-user-1', 'client', i % 2 === 1);
    const w = openWatch(`${url}/api/v1/pods?watch=1&resourceVersion=2`);
    await w.until(() => w.ended());
    expect(w.lines).toEqual([
      {
        type: 'ERROR',
        object: {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: `too old resource version: 2 (${cluster.oldestResourceVersion})`,
          reason: 'Expired',
          code: 410,
        },
      },
    ]);
  });
});

describe('@kubernetes/client-node makeInformer', () => {
  it('sees add, update and delete, and survives a 410 by relisting', async () => {
    const { cluster, app, url } = await serve(30);
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: url, skipTLSVerify: true }],
      users: [{ name: 'u' }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    });
    const api = kc.makeApiClient(CoreV1Api);
    let lists = 0;
    const informer = makeInformer<V1Service>(kc, '/api/v1/namespaces/ns-user-1/services', () => {
      lists++;
      return api.listNamespacedService({ namespace: 'ns-user-1' });
    });
    const seen: string[] = [];
    const waiters: { test: () => boolean; resolve: () => void }[] = [];
    const until = (test: () => boolean) =>
      new Promise<void>((resolve) => (test() ? resolve() : waiters.push({ test, resolve })));
    const note = (what: string) => (obj: V1Service) => {
      seen.push(`${what} ${obj.metadata!.name}`);
      for (const w of waiters) if (w.test()) w.resolve();
    };
    informer.on('add', note('add'));
    informer.on('update', note('update'));
    informer.on('delete', note('delete'));
    await informer.start();
    closers.push(() => informer.stop());
    expect(
      informer
        .list()
        .map((s) => s.metadata!.name)
        .sort(),
    ).toEqual(['service-web-clusterip', 'service-web-clusterip-mp', 'service-web-lb']);

    cluster.applyDocuments([svcDoc('added')]);
    await until(() => seen.includes('add added'));
    cluster.setServiceLoadBalancerIngress('ns-user-1', 'service-web-lb', ['203.0.113.9']);
    await until(() => seen.includes('update service-web-lb'));
    cluster.delete('Service', 'ns-user-1', 'added');
    await until(() => seen.includes('delete added'));

    // The server ends the stream; before the informer re-watches, enough changes happen to push
    // its resourceVersion out of the history: it gets 410 and must relist to see the delete.
    watchHubOf(app).endAll();
    cluster.delete('Service', 'ns-user-1', 'service-web-clusterip-mp');
    for (let i = 0; i < 40; i++) cluster.setPodReadiness('ns-user-1', 'client', i % 2 === 1);
    await until(() => seen.includes('delete service-web-clusterip-mp'));
    expect(
      informer
        .list()
        .map((s) => s.metadata!.name)
        .sort(),
    ).toEqual(['service-web-clusterip', 'service-web-lb']);
    expect(lists).toBe(2);
  }, 30_000);
});
