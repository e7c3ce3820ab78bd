// The embedded simulation `npm start` runs when no external config API is configured: the config
// store behind a VNC-compatible API, the embedded Kubernetes cluster behind the Kubernetes API,
// kube-manager watching that API over loopback HTTP (or a real cluster's, read-only, given a
// kubeconfig), the vRouter dataplane with each compute's agent introspect, the events route, and the
// ports the UI server reads the dataplane through (the listeners, the packet path, the change
// feed). The one place that wires them.
// With a state directory, the config store and the cluster resume what they saved (same uuids,
// uids and resourceVersions) instead of replaying the scenario.

import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { ServerInfoSource } from '@model/api/info.ts';
import { API_PREFIX } from '@model/api/paths.ts';
import { OBJECT_TYPES } from '@model/contrail/schema.ts';
import { internalIp, isComputeNode } from '@model/kubernetes/nodes.ts';
import { systemClock, type Clock } from './clock.ts';
import { Cluster } from './cluster/cluster.ts';
import { journalCluster, readClusterSnapshot } from './cluster/persist.ts';
import { loadScenario } from './cluster/scenario.ts';
import { createDefaultObjects } from './config-api/bootstrap.ts';
import { attachJournal } from './config-api/persist.ts';
import { ConfigStore } from './config-api/store.ts';
import { UserAgentKv } from './config-api/useragent-kv.ts';
import { Dataplane } from './dataplane/dataplane.ts';
import { IntrospectListeners, type IntrospectListenersOptions } from './introspect/listeners.ts';
import { randomIds, type IdSource } from './ids.ts';
import { httpKubeClient, kubeClientFromKubeconfig } from './kube-api/client.ts';
import { buildKubeApi } from './kube-api/http.ts';
import { KubeManager } from './kube-manager/kube-manager.ts';
import { noMetrics, type Metrics } from './metrics.ts';
import type { DataDir } from './persistence/data-dir.ts';
import { FlowProcessor } from './dataplane/flow-processor.ts';
import { generateTraffic, tracePacket, UnknownObject } from './dataplane/trace.ts';
import { NotFound } from './errors.ts';
import type { DataplaneSources } from './ui-server/dataplane-views/views.ts';
import type { PacketSimulator } from './ui-server/ports.ts';
import { eventRoutes } from './ui-server/routes/events.ts';

export interface SimulationOptions {
  clock?: Clock;
  ids?: IdSource;
  /** A scenario manifest (multi-document YAML); the seed's default when omitted. */
  scenarioFile?: string | undefined;
  /** Where the layers report their figures (the UI server's /metrics in `npm start`). */
  metrics?: Metrics;
  /** Opens the Kubernetes API listener and answers its URL; 127.0.0.1 on a free port when omitted. */
  listenKubeApi?: (app: FastifyInstance) => Promise<string>;
  /** A kubeconfig of a real cluster: kube-manager watches it (read-only) instead of the embedded one. */
  kubeconfig?: string | undefined;
  /** How long kube-manager may take to list a real cluster before the start fails (30 s). */
  syncTimeoutMs?: number;
  /** Where components save their state and resume it from; in memory only when omitted. */
  dataDir?: DataDir | undefined;
  /**
   * Each compute's agent introspect: its listeners from `basePort` upward in node order (0: any
   * free port). Not started when omitted.
   */
  introspect?: IntrospectListenersOptions;
}

/** What the UI server's dataplane views are given of the simulation: ports, never its objects. */
export type SimulationPorts = Pick<DataplaneSources, 'introspect' | 'packets' | 'changes'>;

export interface Simulation {
  readonly store: ConfigStore;
  /** The config API's user-agent key/value store. */
  readonly kv: UserAgentKv;
  /** The embedded Kubernetes cluster the scenario was loaded into. */
  readonly cluster: Cluster;
  /** Where the embedded cluster's Kubernetes API listens. */
  readonly kubeApiUrl: string;
  /** Reconciles Kubernetes into `store`; fully reconciled when startSimulation resolves. */
  readonly kubeManager: KubeManager;
  /** One simulated vRouter per compute node, following the store's change feed. */
  readonly dataplane: Dataplane;
  /** Each compute's agent introspect listener, when `introspect` was asked for. */
  readonly introspect: IntrospectListeners | undefined;
  /** UI server route plugins over the simulation, each with its prefix. */
  readonly plugins: { prefix: string; plugin: FastifyPluginAsync }[];
  /**
   * The UI server's ports into the simulation: each compute's introspect listener, the packet
   * path (traces and traffic), the config change feed (snapshots drop on it). kube-manager's pause switch is `kubeManager`.
   */
  readonly ports: SimulationPorts;
  readonly info: ServerInfoSource;
  /** From the moment startSimulation resolves (scenario loaded and reconciled) until stop(). */
  isReady(): boolean;
  stop(): Promise<void>;
}

export async function startSimulation(opts: SimulationOptions = {}): Promise<Simulation> {
  const clock = opts.clock ?? systemClock;
  const store = new ConfigStore(clock, opts.ids ?? randomIds);
  const kv = new UserAgentKv();
  // Saved config objects come back as they were (uuids, timestamps, ETags); then every write is saved.
  if (opts.dataDir) attachJournal(store, kv, opts.dataDir.journal('config'));
  createDefaultObjects(store);
  // A saved cluster is resumed (same uids, so the same loadbalancer uuids and deep links); only a
  // new one loads the scenario. Both keyspaces commit in the same transactions, so they agree.
  const clusterJournal = opts.dataDir?.journal('kubernetes');
  const saved = clusterJournal?.hasSavedState() ? readClusterSnapshot(clusterJournal) : undefined;
  const cluster = new Cluster({ clock, ids: opts.ids ?? randomIds, ...(saved ? { snapshot: saved } : {}) });
  if (clusterJournal) journalCluster(cluster, clusterJournal, { saveCurrent: !saved });
  if (!saved) loadScenario(cluster, ...(opts.scenarioFile ? [opts.scenarioFile] : []));
  const kubeApi = await buildKubeApi({ cluster, clock });
  const kubeApiUrl = await (opts.listenKubeApi ?? ((app) => app.listen({ host: '127.0.0.1', port: 0 })))(
    kubeApi,
  );
  // The computes' XMPP and BGP peer: the control node runs on the (first) master.
  const master = cluster.list('Node').find((n) => !isComputeNode(n));
  const controlNode = master ? internalIp(master) : undefined;
  const dataplane = new Dataplane(store, { clock, ...(controlNode ? { controlNode } : {}) });
  const client = opts.kubeconfig
    ? await kubeClientFromKubeconfig(opts.kubeconfig)
    : httpKubeClient({
        server: kubeApiUrl,
        readOnly: false,
        description: `the embedded Kubernetes API at ${kubeApiUrl}`,
      });
  const kubeManager = new KubeManager(store, client, { metrics: opts.metrics });
  if (opts.kubeconfig) {
    // A real cluster that does not answer is a configuration error, said in one line.
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        kubeManager.stop();
        void kubeApi.close();
        reject(
          new Error(
            `KUBECONFIG=${opts.kubeconfig}: cannot list from ${client.description}: ${kubeManager.stats.lastWatchError ?? 'no answer'}`,
          ),
        );
      }, opts.syncTimeoutMs ?? 30_000);
    });
    try {
      await Promise.race([kubeManager.start(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  } else await kubeManager.start();
  const introspect = opts.introspect
    ? await IntrospectListeners.start(dataplane, opts.introspect).catch(
        (err: NodeJS.ErrnoException & { port?: number }) => {
          kubeManager.stop();
          void kubeApi.close();
          throw err.code === 'EADDRINUSE'
            ? new Error(
                `port ${err.port ?? opts.introspect!.basePort} on ${opts.introspect!.host ?? '127.0.0.1'} is already in use; set INTROSPECT_PORT to another first port`,
              )
            : err;
        },
      )
    : undefined;
  const plugins: Simulation['plugins'] = [{ prefix: API_PREFIX.events, plugin: eventRoutes(store) }];
  const host = opts.introspect?.host ?? '127.0.0.1';
  const ports: SimulationPorts = {
    packets: packetSimulator(dataplane),
    changes: store,
    ...(introspect
      ? {
          introspect: () =>
            introspect.computes.map((c) => ({ name: c.node, url: `http://${host}:${c.port}` })),
        }
      : {}),
  };
  (opts.metrics ?? noMetrics).gauge(
    {
      name: 'config_store_objects',
      help: 'Objects in the embedded config store, by type.',
      labelNames: ['type'],
    },
    () => OBJECT_TYPES.map((type) => ({ labels: { type }, value: store.count(type) })),
  );
  let stopped = false;
  return {
    store,
    kv,
    cluster,
    kubeApiUrl,
    kubeManager,
    dataplane,
    introspect,
    plugins,
    ports,
    info: { mode: 'embedded', scenario: opts.scenarioFile ?? 'default', kubernetes: client.description },
    isReady: () => !stopped,
    stop: async () => {
      stopped = true;
      kubeManager.stop();
      await introspect?.close();
      dataplane.stop();
      await kubeApi.close();
    },
  };
}

/** Synchronous work of one traffic slice before the simulation yields to the event loop. */
const TRAFFIC_SLICE_MS = 8;

/** Runs `run`, turning the dataplane's unknown pod into the domain's NotFound (404). */
function known<T>(run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (err instanceof UnknownObject) throw new NotFound(err.message);
    throw err;
  }
}

/** The dataplane's packet path behind the UI server's PacketSimulator port. */
export function packetSimulator(dataplane: Dataplane): PacketSimulator {
  const processor = new FlowProcessor(dataplane);
  return {
    trace: (request) => known(() => tracePacket(dataplane, processor, request)),
    traffic: async (request, onProgress) => {
      let sliceStart = performance.now();
      const run = generateTraffic(
        dataplane,
        processor,
        { ...request, from: Array.isArray(request.from) ? request.from : [request.from] },
        { timeUp: () => performance.now() - sliceStart > TRAFFIC_SLICE_MS },
      );
      // The first slice resolves the pods: an unknown one fails before any progress.
      for (let step = known(() => run.next()); ; step = run.next()) {
        if (step.done) return step.value;
        onProgress?.(step.value);
        await new Promise<void>((resolve) => setImmediate(resolve));
        sliceStart = performance.now();
      }
    },
  };
}
