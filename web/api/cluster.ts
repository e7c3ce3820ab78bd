// The embedded Kubernetes cluster (/api/cluster/*): pods, Services and Deployments to read, plus
// scale and readiness writes. Only the embedded mode serves it; elsewhere every call answers 404.

import { queryOptions } from '@tanstack/react-query';
import { apiFetch, putJson } from './client.ts';

/** The subset of the Kubernetes object JSON the SPA reads (the server sends the full objects). */
export interface KubeMeta {
  name: string;
  namespace?: string;
  uid: string;
  labels?: Record<string, string>;
}

export interface KubePod {
  kind: 'Pod';
  metadata: KubeMeta;
  spec: { nodeName?: string };
  status: {
    phase: string;
    podIP?: string;
    hostIP?: string;
    conditions: { type: string; status: 'True' | 'False' }[];
  };
}

export interface KubeServicePort {
  name?: string;
  protocol: string;
  port: number;
  targetPort: number | string;
}

export interface KubeService {
  kind: 'Service';
  metadata: KubeMeta;
  spec: { type: string; clusterIP?: string; ports: KubeServicePort[] };
}

export interface KubeDeployment {
  kind: 'Deployment';
  metadata: KubeMeta;
  spec: { replicas: number };
  status: { replicas: number; readyReplicas: number };
}

const list = async <T>(plural: string) => (await apiFetch<{ items: T[] }>(`/cluster/${plural}`)).items;

export const clusterQueries = {
  all: () => ['cluster'] as const,
  pods: () =>
    queryOptions({ queryKey: [...clusterQueries.all(), 'pods'], queryFn: () => list<KubePod>('pods') }),
  services: () =>
    queryOptions({
      queryKey: [...clusterQueries.all(), 'services'],
      queryFn: () => list<KubeService>('services'),
    }),
  deployments: () =>
    queryOptions({
      queryKey: [...clusterQueries.all(), 'deployments'],
      queryFn: () => list<KubeDeployment>('deployments'),
    }),
};

export function podKey(pod: { metadata: KubeMeta }): string {
  return `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`;
}

export function isPodReady(pod: KubePod): boolean {
  return pod.status.conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}

export function scaleDeployment(namespace: string, name: string, replicas: number): Promise<KubeDeployment> {
  return putJson<KubeDeployment>(
    `/cluster/deployments/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}/scale`,
    { replicas },
  );
}

export function setPodReadiness(namespace: string, name: string, ready: boolean): Promise<KubePod> {
  return putJson<KubePod>(
    `/cluster/pods/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}/readiness`,
    { ready },
  );
}
