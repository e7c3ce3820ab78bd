// The Kubernetes cluster the UI server reads (/api/cluster/*): pods, Services and Deployments, the
// pods and Deployments of one Service (`?service=`), scale and readiness writes, and the embedded
// kube-manager's pause switch. A server without a cluster answers 404 to every call.

import { queryOptions } from '@tanstack/react-query';
import type { KubeManagerState, ReadinessRequest, ScaleRequest } from '@model/api/cluster-requests.ts';
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

const list = async <T>(plural: string, service?: string) =>
  (await apiFetch<{ items: T[] }>(clusterApi.list.path({ plural }, { service }))).items;

export const clusterQueries = {
  all: () => ['cluster'] as const,
  /** Every pod, or (`service`, `<namespace>/<name>`) the pods the Service selects. */
  pods: (service?: string) =>
    queryOptions({
      queryKey: [...clusterQueries.all(), 'pods', service ?? null],
      queryFn: () => list<KubePod>('pods', service),
    }),
  services: () =>
    queryOptions({
      queryKey: [...clusterQueries.all(), 'services'],
      queryFn: () => list<KubeService>('services'),
    }),
  /** Every Deployment, or those whose pod template the Service selects. */
  deployments: (service?: string) =>
    queryOptions({
      queryKey: [...clusterQueries.all(), 'deployments', service ?? null],
      queryFn: () => list<KubeDeployment>('deployments', service),
    }),
  kubeManager: () =>
    queryOptions({
      queryKey: [...clusterQueries.all(), 'kube-manager'],
      queryFn: () => apiFetch<KubeManagerState>(clusterApi.kubeManager.path()),
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

/** Resolves once the switch took effect (on resume: once kube-manager has caught up). */
export function setKubeManagerPaused(paused: boolean): Promise<KubeManagerState> {
  const body: KubeManagerState = { paused };
  return putJson<KubeManagerState>(clusterApi.kubeManager.path(), body);
}
