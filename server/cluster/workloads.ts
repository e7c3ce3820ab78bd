// The Deployment and ReplicaSet controllers (pkg/controller/deployment, pkg/controller/replicaset):
// a Deployment owns one ReplicaSet per pod template (named `<deployment>-<pod-template-hash>`),
// scales the current one to `spec.replicas` and old ones to 0 (a Recreate rollout); a ReplicaSet
// keeps its pod count, deleting not-ready then newest pods first. Each reconciles one key fully.

import type { Deployment, Pod, ReplicaSet } from '@model/kubernetes/types.ts';
import { isPodReady } from '@model/kubernetes/pods.ts';
import { uuidV5 } from '@server/ids.ts';
import {
  DERIVED_UID_NAMESPACE,
  encodeSuffix,
  fnv1a,
  sameJson,
  timestamp,
  type ClusterContext,
} from './context.ts';
import { matchesLabelSelector } from './manifest.ts';
import { objectKey } from './object-store.ts';
import { bindPod } from './scheduler.ts';

const POD_TEMPLATE_HASH = 'pod-template-hash';
/** Old ReplicaSets kept at 0 replicas (DeploymentSpec.revisionHistoryLimit's default). */
const REVISION_HISTORY_LIMIT = 10;

function templateHash(deployment: Deployment): string {
  return encodeSuffix(fnv1a(JSON.stringify(deployment.spec.template)), 10);
}

/** The owned objects' controller reference to `owner`. */
function controllerRef(owner: Deployment | ReplicaSet) {
  return {
    apiVersion: 'apps/v1',
    kind: owner.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

function ownedReplicaSets(ctx: ClusterContext, deployment: Deployment): ReplicaSet[] {
  const out: ReplicaSet[] = [];
  for (const key of ctx.indexes.replicaSetsByOwner.get(deployment.metadata.uid) ?? []) {
    const rs = ctx.store.getByKey('ReplicaSet', key);
    if (rs) out.push(rs);
  }
  return out;
}

export function ownedPods(ctx: ClusterContext, owner: { metadata: { uid: string } }): Pod[] {
  const out: Pod[] = [];
  for (const key of ctx.indexes.podsByOwner.get(owner.metadata.uid) ?? []) {
    const pod = ctx.store.getByKey('Pod', key);
    if (pod) out.push(pod);
  }
  return out;
}

/** Reconciles one Deployment: its current ReplicaSet, old ones at 0, and its status. */
export function syncDeployment(ctx: ClusterContext, key: string): void {
  const deployment = ctx.store.getByKey('Deployment', key);
  if (!deployment) return;
  const namespace = deployment.metadata.namespace!;
  const hash = templateHash(deployment);
  const owned = ownedReplicaSets(ctx, deployment);
  let current = owned.find((rs) => rs.metadata.labels?.[POD_TEMPLATE_HASH] === hash);
  const old = owned.filter((rs) => rs !== current);

  for (const rs of old)
    if (rs.spec.replicas !== 0) {
      ctx.store.put<'ReplicaSet'>({
        ...rs,
        metadata: { ...rs.metadata, generation: (rs.metadata.generation ?? 1) + 1 },
        spec: { ...rs.spec, replicas: 0 },
      });
      ctx.events.record(
        deployment,
        'Normal',
        'ScalingReplicaSet',
        `Scaled down replica set ${rs.metadata.name} to 0 from ${rs.spec.replicas}`,
        'deployment-controller',
      );
    }
  const surplus = old.length - REVISION_HISTORY_LIMIT;
  if (surplus > 0)
    for (const rs of [...old]
      .sort((a, b) => Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion))
      .slice(0, surplus))
      if (ownedPods(ctx, rs).length === 0) ctx.store.remove('ReplicaSet', namespace, rs.metadata.name);

  const replicas = deployment.spec.replicas;
  if (!current) {
    const template = {
      ...deployment.spec.template,
      metadata: {
        ...deployment.spec.template.metadata,
        labels: { ...deployment.spec.template.metadata.labels, [POD_TEMPLATE_HASH]: hash },
      },
    };
    current = ctx.store.put<'ReplicaSet'>({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${deployment.metadata.name}-${hash}`,
        namespace,
        // Derived, not drawn: the same Deployment and template always own the same ReplicaSet uid.
        uid: uuidV5(DERIVED_UID_NAMESPACE, `${deployment.metadata.uid}/${hash}`),
        resourceVersion: '0',
        generation: 1,
        creationTimestamp: timestamp(ctx.clock),
        labels: { ...deployment.spec.template.metadata.labels, [POD_TEMPLATE_HASH]: hash },
        annotations: { 'deployment.kubernetes.io/desired-replicas': String(replicas) },
        ownerReferences: [controllerRef(deployment)],
      },
      spec: {
        replicas,
        selector: {
          ...deployment.spec.selector,
          matchLabels: { ...deployment.spec.selector.matchLabels, [POD_TEMPLATE_HASH]: hash },
        },
        template,
      },
      status: { replicas: 0, readyReplicas: 0, availableReplicas: 0 },
    });
    ctx.events.record(
      deployment,
      'Normal',
      'ScalingReplicaSet',
      `Scaled up replica set ${current.metadata.name} to ${replicas}`,
      'deployment-controller',
    );
  } else if (current.spec.replicas !== replicas) {
    const verb = replicas > current.spec.replicas ? 'up' : 'down';
    ctx.events.record(
      deployment,
      'Normal',
      'ScalingReplicaSet',
      `Scaled ${verb} replica set ${current.metadata.name} to ${replicas} from ${current.spec.replicas}`,
      'deployment-controller',
    );
    current = ctx.store.put<'ReplicaSet'>({
      ...current,
      metadata: {
        ...current.metadata,
        generation: (current.metadata.generation ?? 1) + 1,
        annotations: {
          ...current.metadata.annotations,
          'deployment.kubernetes.io/desired-replicas': String(replicas),
        },
      },
      spec: { ...current.spec, replicas },
    });
  }
  updateDeploymentStatus(ctx, key);
}

export function updateDeploymentStatus(ctx: ClusterContext, key: string): void {
  const deployment = ctx.store.getByKey('Deployment', key);
  if (!deployment) return;
  const hash = templateHash(deployment);
  let total = 0;
  let ready = 0;
  let updated = 0;
  for (const rs of ownedReplicaSets(ctx, deployment)) {
    const pods = ownedPods(ctx, rs);
    total += pods.length;
    const readyHere = pods.filter(isPodReady).length;
    ready += readyHere;
    if (rs.metadata.labels?.[POD_TEMPLATE_HASH] === hash) updated += pods.length;
  }
  const status: Deployment['status'] = {
    ...(deployment.metadata.generation !== undefined
      ? { observedGeneration: deployment.metadata.generation }
      : {}),
    replicas: total,
    updatedReplicas: updated,
    readyReplicas: ready,
    availableReplicas: ready,
  };
  if (!sameJson(status, deployment.status)) ctx.store.put<'Deployment'>({ ...deployment, status });
}

/** Reconciles one ReplicaSet: creates or deletes pods to reach `spec.replicas`, then its status. */
export function syncReplicaSet(ctx: ClusterContext, key: string): void {
  const rs = ctx.store.getByKey('ReplicaSet', key);
  if (!rs) return;
  const namespace = rs.metadata.namespace!;
  const pods = ownedPods(ctx, rs).filter((p) => matchesLabelSelector(p.metadata.labels, rs.spec.selector));
  const excess = pods.length - rs.spec.replicas;
  if (excess > 0) {
    // pkg/controller/replicaset getPodsToDelete: not ready before ready, then newest first.
    const victims = [...pods].sort(
      (a, b) =>
        Number(isPodReady(a)) - Number(isPodReady(b)) ||
        Number(b.metadata.resourceVersion) - Number(a.metadata.resourceVersion),
    );
    for (const pod of victims.slice(0, excess)) {
      deletePodObject(ctx, pod);
      ctx.events.record(
        rs,
        'Normal',
        'SuccessfulDelete',
        `Deleted pod: ${pod.metadata.name}`,
        'replicaset-controller',
      );
    }
  }
  for (let i = pods.length; i < rs.spec.replicas; i++) {
    const uid = ctx.ids();
    let name: string;
    let attempt = 0;
    do name = `${rs.metadata.name}-${encodeSuffix(fnv1a(`${uid}/${attempt++}`), 5)}`;
    while (ctx.store.getByKey('Pod', objectKey(namespace, name)));
    const template = rs.spec.template;
    createPodObject(
      ctx,
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name,
          generateName: `${rs.metadata.name}-`,
          namespace,
          uid,
          resourceVersion: '0',
          creationTimestamp: timestamp(ctx.clock),
          labels: { ...template.metadata.labels },
          ...(template.metadata.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
          ownerReferences: [controllerRef(rs)],
        },
        spec: { ...template.spec },
        status: {
          phase: 'Pending',
          conditions: [
            { type: 'PodScheduled', status: 'False' },
            { type: 'Ready', status: 'False' },
          ],
        },
      },
      true,
    );
    ctx.events.record(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${name}`, 'replicaset-controller');
  }
  updateReplicaSetStatus(ctx, key);
}

function updateReplicaSetStatus(ctx: ClusterContext, key: string): void {
  const rs = ctx.store.getByKey('ReplicaSet', key);
  if (!rs) return;
  const pods = ownedPods(ctx, rs);
  const ready = pods.filter(isPodReady).length;
  const status: ReplicaSet['status'] = {
    ...(rs.metadata.generation !== undefined ? { observedGeneration: rs.metadata.generation } : {}),
    replicas: pods.length,
    fullyLabeledReplicas: pods.length,
    readyReplicas: ready,
    availableReplicas: ready,
  };
  if (!sameJson(status, rs.status)) ctx.store.put<'ReplicaSet'>({ ...rs, status });
}

/** Stores a new pod, bound and with an IP when a node can take it. */
export function createPodObject(ctx: ClusterContext, pod: Pod, ready: boolean): Pod {
  const bound = bindPod(ctx, pod, ready);
  const stored = ctx.store.put<'Pod'>(bound);
  if (stored.spec.nodeName)
    ctx.events.record(
      stored,
      'Normal',
      'Scheduled',
      `Successfully assigned ${stored.metadata.namespace}/${stored.metadata.name} to ${stored.spec.nodeName}`,
      'default-scheduler',
    );
  return stored;
}

/** Removes a pod and frees its IP. */
export function deletePodObject(ctx: ClusterContext, pod: Pod): void {
  if (pod.status.podIP) ctx.allocators.podIps.release(pod.status.podIP);
  ctx.store.remove('Pod', pod.metadata.namespace, pod.metadata.name);
}
