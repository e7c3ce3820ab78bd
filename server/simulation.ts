// The embedded simulation `npm start` runs when no external config API is configured: the config
// store behind a VNC-compatible API, and the UI routes over it. Later layers (Kubernetes model,
// kube-manager, vRouter dataplane) are composed here. With a state directory, each component
// resumes what it saved instead of starting from the scenario.

import type { FastifyPluginAsync } from 'fastify';
import { systemClock, type Clock } from './clock.ts';
import { createDefaultObjects } from './config-api/bootstrap.ts';
import { attachJournal } from './config-api/persist.ts';
import { ConfigStore } from './config-api/store.ts';
import { UserAgentKv } from './config-api/useragent-kv.ts';
import { Dataplane } from './dataplane/dataplane.ts';
import { Cluster } from './cluster/cluster.ts';
import { loadScenario } from './cluster/scenario.ts';
import { randomIds, type IdSource } from './ids.ts';
import { KubeManager } from './kube-manager/kube-manager.ts';
import type { DataDir } from './persistence/data-dir.ts';
import { clusterRoutes } from './ui-server/routes/cluster.ts';
import { dataplaneRoutes } from './ui-server/routes/dataplane.ts';
import { eventRoutes } from './ui-server/routes/events.ts';

export interface SimulationOptions {
  clock?: Clock;
  ids?: IdSource;
  /** A scenario manifest (multi-document YAML); the seed's default when omitted. */
  scenarioFile?: string | undefined;
  /** Where components save their state and resume it from; in memory only when omitted. */
  dataDir?: DataDir | undefined;
}

export interface Simulation {
  readonly store: ConfigStore;
  /** The config API's user-agent key/value store. */
  readonly kv: UserAgentKv;
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
  const kv = new UserAgentKv();
  // Saved config objects come back as they were (uuids, timestamps, ETags); then every write is saved.
  if (opts.dataDir) attachJournal(store, kv, opts.dataDir.journal('config'));
  const configRestored = store.size > 0;
  createDefaultObjects(store);
  const cluster = new Cluster({ clock, ids: opts.ids ?? randomIds });
  // The cluster is not saved yet (its `kubernetes` keyspace stays empty), so until it is, every
  // start loads the scenario; once it is, a saved cluster is resumed instead of replayed.
  if (!opts.dataDir?.journal('kubernetes').hasSavedState()) {
    // Meanwhile a restored config store still holds what kube-manager derived from the previous,
    // unsaved cluster (other Service uids, the same addresses): a kube-manager over an empty
    // cluster removes those first, in its dependency order, so the new cluster's objects can take
    // their names and addresses. Objects written by API clients stay.
    if (configRestored) {
      const previous = new KubeManager(store, new Cluster({ clock, ids: opts.ids ?? randomIds }));
      previous.start();
      previous.stop();
    }
    loadScenario(cluster, ...(opts.scenarioFile ? [opts.scenarioFile] : []));
  }
  const dataplane = new Dataplane(store, { clock });
  const kubeManager = new KubeManager(store, cluster);
  kubeManager.start();
  const plugins: Simulation['plugins'] = [
    { prefix: '/api/events', plugin: eventRoutes(store) },
    { prefix: '/api/cluster', plugin: clusterRoutes(cluster) },
    { prefix: '/api/dataplane', plugin: dataplaneRoutes(dataplane) },
  ];
  return {
    store,
    kv,
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
