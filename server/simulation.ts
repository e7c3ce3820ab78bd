// The embedded simulation `npm start` runs when no external config API is configured: the config
// store behind a VNC-compatible API, and the UI routes over it. Later layers (Kubernetes model,
// kube-manager, vRouter dataplane) are composed here.

import type { FastifyPluginAsync } from 'fastify';
import { systemClock, type Clock } from './clock.ts';
import { createDefaultObjects } from './config-api/bootstrap.ts';
import { ConfigStore } from './config-api/store.ts';
import { Dataplane } from './dataplane/dataplane.ts';
import { Cluster, internalIp, isComputeNode } from './cluster/cluster.ts';
import { loadScenario } from './cluster/scenario.ts';
import { randomIds, type IdSource } from './ids.ts';
import { KubeManager } from './kube-manager/kube-manager.ts';
import { clusterRoutes } from './ui-server/routes/cluster.ts';
import { dataplaneRoutes } from './ui-server/routes/dataplane.ts';
import { eventRoutes } from './ui-server/routes/events.ts';

export interface SimulationOptions {
  clock?: Clock;
  ids?: IdSource;
  /** A scenario manifest (multi-document YAML); the seed's default when omitted. */
  scenarioFile?: string | undefined;
}

export interface Simulation {
  readonly store: ConfigStore;
  /** The embedded Kubernetes cluster the scenario was loaded into. */
  readonly cluster: Cluster;
  /** Reconciles `cluster` into `store`; fully reconciled when startSimulation resolves. */
  readonly kubeManager: KubeManager;
  /** One simulated vRouter per compute node, following the store's change feed. */
  readonly dataplane: Dataplane;
  /** UI server route plugins over the simulation, each with its prefix. */
  readonly plugins: { prefix: string; plugin: FastifyPluginAsync }[];
  readonly info: Record<string, unknown>;
  stop(): void;
}

export async function startSimulation(opts: SimulationOptions = {}): Promise<Simulation> {
  const clock = opts.clock ?? systemClock;
  const store = new ConfigStore(clock, opts.ids ?? randomIds);
  createDefaultObjects(store);
  const cluster = new Cluster({ clock, ids: opts.ids ?? randomIds });
  loadScenario(cluster, ...(opts.scenarioFile ? [opts.scenarioFile] : []));
  // The computes' XMPP and BGP peer: the control node runs on the (first) master.
  const master = cluster.list('Node').find((n) => !isComputeNode(n));
  const controlNode = master ? internalIp(master) : undefined;
  const dataplane = new Dataplane(store, { clock, ...(controlNode ? { controlNode } : {}) });
  const kubeManager = new KubeManager(store, cluster);
  kubeManager.start();
  const plugins: Simulation['plugins'] = [
    { prefix: '/api/events', plugin: eventRoutes(store) },
    { prefix: '/api/cluster', plugin: clusterRoutes(cluster) },
    { prefix: '/api/dataplane', plugin: dataplaneRoutes(dataplane) },
  ];
  return {
    store,
    cluster,
    kubeManager,
    dataplane,
    plugins,
    info: { mode: 'embedded', scenario: opts.scenarioFile ?? 'default' },
    stop: () => {
      kubeManager.stop();
      dataplane.stop();
    },
  };
}
