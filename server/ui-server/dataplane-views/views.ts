// The dataplane side of the UI server, assembled once: where the computes are (config API,
// VROUTER_INTROSPECT, the simulation's listeners), the introspect client with their allowlist and
// introspect SSL, the snapshot cache (dropped on every config change the embedded simulation
// reports), the names, tables, CLI, topology, trace and consistency over them, and their routes.

import type { FastifyPluginAsync } from 'fastify';
import { IntrospectClient, type IntrospectTls } from '@server/introspect-client/client.ts';
import type { ConfigApiClient } from '../config-api-client.ts';
import type { IntrospectEndpoint, KubernetesReader, PacketSimulator } from '../ports.ts';
import { consistencyRoutes } from '../routes/consistency.ts';
import { dataplaneRoutes } from '../routes/dataplane.ts';
import type { ConfigChangeFeed } from '../routes/events.ts';
import { DataplaneCli } from './cli.ts';
import { ComputeDirectory } from './computes.ts';
import { ConsistencyChecker } from './consistency.ts';
import { ConfigNames } from './names.ts';
import { DataplaneReader } from './reader.ts';
import { SnapshotCache } from './snapshots.ts';
import { DataplaneTables } from './tables.ts';
import { TopologyBuilder } from './topology.ts';
import { TracePredictor } from './trace.ts';

/** Where the dataplane views read from, beyond the config API. */
export interface DataplaneSources {
  /** The embedded simulation's introspect listeners (they change as computes come and go). */
  introspect?: () => readonly IntrospectEndpoint[];
  /** VROUTER_INTROSPECT: compute name → introspect base URL. */
  override?: ReadonlyMap<string, string>;
  /** Introspect SSL (INTROSPECT_SSL_ENABLE with SANDESH_CA_CERT, SANDESH_CERTFILE, SANDESH_KEYFILE). */
  tls?: IntrospectTls;
  /** The embedded simulation's packet path (traffic, simulated traces). */
  packets?: PacketSimulator;
  /** Config changes (the embedded store's feed): every one drops the snapshots. */
  changes?: ConfigChangeFeed;
  /** How long a table read from an agent is reused (default 2000 ms). */
  snapshotTtlMs?: number;
  /** Deadline per introspect answer (default 5000 ms). */
  introspectTimeoutMs?: number;
}

export interface DataplaneViews {
  readonly dataplane: FastifyPluginAsync;
  readonly consistency: FastifyPluginAsync;
  close(): Promise<void>;
}

export function buildDataplaneViews(
  configApi: ConfigApiClient,
  sources: DataplaneSources,
  kubernetes: KubernetesReader | undefined,
): DataplaneViews {
  const directory = new ComputeDirectory({
    configApi,
    ...(sources.override ? { override: sources.override } : {}),
    ...(sources.introspect ? { embedded: sources.introspect } : {}),
    scheme: sources.tls ? 'https' : 'http',
  });
  const client = new IntrospectClient({
    allows: (origin) => directory.allows(origin),
    ...(sources.tls ? { tls: sources.tls } : {}),
    ...(sources.introspectTimeoutMs ? { timeoutMs: sources.introspectTimeoutMs } : {}),
  });
  const cache = new SnapshotCache(sources.snapshotTtlMs ?? 2_000);
  const unsubscribe = sources.changes?.subscribe((event) => {
    cache.invalidate();
    if (event.object.type === 'virtual-router') directory.invalidate();
  });
  const reader = new DataplaneReader(directory, client, cache);
  const names = new ConfigNames(configApi, cache);
  return {
    dataplane: dataplaneRoutes({
      reader,
      tables: new DataplaneTables(reader, names),
      cli: new DataplaneCli(reader),
      predictor: new TracePredictor(reader, names),
      topology: new TopologyBuilder(reader, configApi),
      packets: sources.packets,
    }),
    consistency: consistencyRoutes(new ConsistencyChecker(reader, names, configApi, kubernetes)),
    close: async () => {
      unsubscribe?.();
      await client.close();
    },
  };
}
