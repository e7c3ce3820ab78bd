// A KubernetesReader over an embedded cluster's objects, in process: the consistency check's
// Kubernetes layer for tests and the real-mode benchmark (the UI server reads a real API server
// through its own client). Tests and benches only.

import type { Cluster } from '@server/cluster/cluster.ts';
import type { KubernetesReader } from '../ports.ts';

export function clusterReader(cluster: Cluster, fail?: () => Error | undefined): KubernetesReader {
  const check = async () => {
    const err = fail?.();
    if (err) throw err;
  };
  return {
    description: 'the embedded cluster (in process)',
    endpoints: async (namespace, name) => (await check(), cluster.get('Endpoints', namespace, name)),
    listEndpoints: async (namespace) => (await check(), cluster.list('Endpoints', namespace)),
    services: async (namespace) => (await check(), cluster.list('Service', namespace)),
    pods: async (namespace) => (await check(), cluster.list('Pod', namespace)),
  };
}
