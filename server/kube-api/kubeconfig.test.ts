// KUBECONFIG mode: kube-manager watches another cluster's Kubernetes API through a kubeconfig,
// builds the Contrail objects for it in the embedded config store, and never writes to it.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { Cluster } from '@server/cluster/cluster.ts';
import { validateDocument } from '@server/cluster/manifest.ts';
import { startSimulation, type Simulation } from '@server/simulation.ts';
import { buildKubeApi } from './http.ts';
import { kubeconfigText, writeKubeconfig } from './kubeconfig.ts';

const closers: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

describe('kubeconfig', () => {
  it('names the server, one context and no credentials', () => {
    expect(kubeconfigText('http://127.0.0.1:6443')).toContain('    server: http://127.0.0.1:6443\n');
    expect(kubeconfigText('http://127.0.0.1:6443')).toContain('current-context: contrail-lb-explorer\n');
  });

  it('lets kube-manager watch another cluster read-only: objects built, nothing written back', async () => {
    // "Their" cluster: one LoadBalancer Service, served by its own Kubernetes API.
    const theirs = new Cluster();
    theirs.applyDocuments(
      [
        {
          apiVersion: 'v1',
          kind: 'Node',
          metadata: { name: 'w1' },
          status: { addresses: [{ type: 'InternalIP', address: '192.0.2.11' }] },
        },
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'prod' } },
        {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'api', namespace: 'prod', labels: { app: 'api' } },
          spec: { containers: [{ name: 'c', image: 'x' }] },
        },
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: 'api', namespace: 'prod' },
          spec: { type: 'LoadBalancer', selector: { app: 'api' }, ports: [{ port: 443 }] },
        },
      ].map((d, i) => validateDocument(d, i)),
    );
    const api: FastifyInstance = await buildKubeApi({ cluster: theirs, bookmarkIntervalMs: 0 });
    const url = await api.listen({ host: '127.0.0.1', port: 0 });
    closers.push(() => api.close());
    const kubeconfig = writeKubeconfig(mkdtempSync(join(tmpdir(), 'theirs-')), url);
    const before = theirs.resourceVersion;

    const sim: Simulation = await startSimulation({ kubeconfig });
    closers.push(() => sim.stop());
    expect(sim.kubeManager.source).toBe(`${url} (context contrail-lb-explorer, read-only)`);
    const uid = theirs.get('Service', 'prod', 'api')!.metadata.uid;
    const lb = sim.store.get(uid)!;
    expect(lb.displayName).toBe('prod__api');
    // Its external address was allocated in the config store, but never written to their Service.
    expect(theirs.get('Service', 'prod', 'api')!.status.loadBalancer).toEqual({});
    expect(theirs.resourceVersion).toBe(before);
    // The embedded cluster's own Services are not what kube-manager builds now.
    const embedded = sim.cluster.get('Service', 'ns-user-1', 'service-web-clusterip')!;
    expect(sim.store.get(embedded.metadata.uid)).toBeUndefined();
  }, 30_000);
});

describe('a kubeconfig whose cluster does not answer', () => {
  it('fails the start with one line naming the file, the server and the error', async () => {
    const kubeconfig = writeKubeconfig(mkdtempSync(join(tmpdir(), 'dead-')), 'http://127.0.0.1:1');
    await expect(startSimulation({ kubeconfig, syncTimeoutMs: 500 })).rejects.toThrow(
      new RegExp(
        `^KUBECONFIG=${kubeconfig.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: cannot list from http://127\\.0\\.0\\.1:1 \\(context contrail-lb-explorer, read-only\\): .*ECONNREFUSED`,
      ),
    );
  }, 30_000);
});
