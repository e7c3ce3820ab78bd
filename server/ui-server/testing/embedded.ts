// An embedded simulation behind its real protocols for the UI server's tests: the config API on a
// free port, the Kubernetes API, one agent introspect listener per compute, and a UI server built
// as main.ts builds it (answers through `inject`). Tests only.

import type { FastifyInstance } from 'fastify';
import { ManualClock } from '@server/clock.ts';
import { buildConfigApi } from '@server/config-api/http.ts';
import { sequentialIds } from '@server/ids.ts';
import { startSimulation, type Simulation, type SimulationOptions } from '@server/simulation.ts';
import { buildUiServer, type UiServerOptions } from '../app.ts';
import type { DataplaneSources } from '../dataplane-views/views.ts';
import { embeddedKubernetes } from '../kubernetes-client.ts';

export interface Embedded {
  sim: Simulation;
  configApi: FastifyInstance;
  configApiUrl: string;
  ui: FastifyInstance;
  close(): Promise<void>;
}

export async function startEmbedded(
  opts: { simulation?: SimulationOptions; ui?: Partial<UiServerOptions> } = {},
): Promise<Embedded> {
  const sim = await startSimulation({
    clock: new ManualClock(),
    ids: sequentialIds(),
    introspect: { basePort: 0 },
    ...opts.simulation,
  });
  const configApi = buildConfigApi({ store: sim.store, kv: sim.kv });
  const configApiUrl = await configApi.listen({ host: '127.0.0.1', port: 0 });
  const ui = await buildUiServer({
    configApiUrl,
    plugins: sim.plugins,
    info: sim.info,
    kubernetes: embeddedKubernetes(sim.kubeApiUrl),
    kubeManager: sim.kubeManager,
    ...opts.ui,
    dataplane: { ...sim.ports, ...opts.ui?.dataplane },
  });
  return {
    sim,
    configApi,
    configApiUrl,
    ui,
    close: async () => {
      await ui.close();
      await configApi.close();
      await sim.stop();
    },
  };
}

/**
 * Another UI server over the same simulation, with snapshots of its own, that reads `node`'s
 * introspect at `url` (a counting relay in front of it) and every other compute directly.
 */
export function uiServerVia(
  e: Embedded,
  node: string,
  url: string,
  dataplane: Partial<DataplaneSources> = {},
): Promise<FastifyInstance> {
  const endpoints = e.sim.ports.introspect!();
  return buildUiServer({
    configApiUrl: e.configApiUrl,
    plugins: e.sim.plugins,
    info: e.sim.info,
    kubernetes: embeddedKubernetes(e.sim.kubeApiUrl),
    kubeManager: e.sim.kubeManager,
    dataplane: {
      ...e.sim.ports,
      ...dataplane,
      introspect: () => endpoints.map((p) => (p.name === node ? { ...p, url } : p)),
    },
  });
}
