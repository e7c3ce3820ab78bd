// model/api/paths.ts is the one home of the UI server's URL space: every route it names is one the
// embedded UI server serves, with the method the SPA uses (and the msw handlers mock).

import { describe, expect, it } from 'vitest';
import { clusterApi, configApi, dataplaneApi, eventsApi, explorerApi, serverApi } from '@model/api/paths.ts';
import { startSimulation } from '@server/simulation.ts';
import { freePort } from '@server/testing/server-process.ts';
import { buildUiServer } from './app.ts';
import { embeddedKubernetes } from './kubernetes-client.ts';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

const ROUTES: [Method, { pattern: string }][] = [
  ['GET', serverApi.info],
  ['GET', serverApi.healthz],
  ['GET', serverApi.readyz],
  ['GET', serverApi.metrics],
  ['GET', { pattern: configApi.root.pattern.slice(0, -1) }],
  ['GET', { pattern: '/api/config/*' }],
  ['POST', { pattern: '/api/config/*' }],
  ...Object.values(explorerApi).map((route) => ['GET', route] as [Method, typeof route]),
  ['GET', eventsApi.stream],
  ['GET', clusterApi.list],
  ['GET', clusterApi.clusterScoped],
  ['GET', clusterApi.namespaced],
  ['DELETE', clusterApi.clusterScoped],
  ['DELETE', clusterApi.namespaced],
  ['POST', clusterApi.apply],
  ['PUT', clusterApi.scale],
  ['PUT', clusterApi.readiness],
  ['GET', clusterApi.kubeManager],
  ['PUT', clusterApi.kubeManager],
  ...Object.entries(dataplaneApi).map(
    ([name, route]) =>
      [name === 'trace' || name === 'traffic' ? 'POST' : 'GET', route] as [Method, typeof route],
  ),
];

describe('model/api/paths.ts', () => {
  it('names only routes the UI server serves', async () => {
    const simulation = await startSimulation();
    const app = await buildUiServer({
      configApiUrl: `http://127.0.0.1:${await freePort()}`,
      plugins: simulation.plugins,
      kubernetes: embeddedKubernetes(simulation.kubeApiUrl),
      kubeManager: simulation.kubeManager,
    });
    try {
      await app.ready();
      const missing = ROUTES.filter(([method, route]) => !app.hasRoute({ method, url: route.pattern })).map(
        ([method, route]) => `${method} ${route.pattern}`,
      );
      expect(missing).toEqual([]);
    } finally {
      await app.close();
      simulation.stop();
    }
  });
});
