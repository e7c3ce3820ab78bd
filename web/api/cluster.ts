// The embedded Kubernetes cluster (/api/cluster/*): pods, Services and Deployments to read, plus
// scale and readiness writes. Only the embedded mode serves it; elsewhere every call answers 404.

import { queryOptions } from '@tanstack/react-query';
import type { ReadinessRequest, ScaleRequest } from '@model/api/cluster-requests.ts';
import { clusterApi } from '@model/api/paths.ts';
import type { Deployment, ObjectMeta, Pod, Service, ServicePort } from '@model/kubernetes/types.ts';
import { apiFetch, putJson } from './client.ts';

/**
 * The parts of the Kubernetes objects (model/kubernetes/types.ts) the SPA reads; the server sends
 * the full objects. Derived from the model so the two cannot drift apart.
 */
export type KubeMeta = Pick<ObjectMeta, 'name' | 'namespace' | 'uid' | 'labels'>;

export interface KubePod extends Pick<Pod, 'kind'> {
  metadata: KubeMeta;
  spec: Pick<Pod['spec'], 'nodeName'>;
  status: Pick<Pod['status'], 'phase' | 'podIP' | 'hostIP' | 'conditions'>;
}

export type KubeServicePort = Pick<ServicePort, 'name' | 'protocol' | 'port' | 'targetPort'>;

export interface KubeService extends Pick<Service, 'kind'> {
  metadata: KubeMeta;
  spec: Pick<Service['spec'], 'type' | 'clusterIP' | 'selector' | 'externalIPs'> & {
    ports: KubeServicePort[];
  };
  status?: Service['status'];
}

export interface KubeDeployment extends Pick<Deployment, 'kind' | 'status'> {
  metadata: KubeMeta;
  spec: Pick<Deployment['spec'], 'replicas'> & Partial<Pick<Deployment['spec'], 'selector' | 'template'>>;
}

const list = async <T>(plural: string) =>
  (await apiFetch<{ items: T[] }>(clusterApi.list.path({ plural }))).items;

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

export function scaleDeployment(namespace: string, name: string, replicas: number): Promise<KubeDeployment> {
  const body: ScaleRequest = { replicas };
  return putJson<KubeDeployment>(clusterApi.scale.path({ namespace, name }), body);
}

export function setPodReadiness(namespace: string, name: string, ready: boolean): Promise<KubePod> {
  const body: ReadinessRequest = { ready };
  return putJson<KubePod>(clusterApi.readiness.path({ namespace, name }), body);
}
