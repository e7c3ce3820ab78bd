// Turning a checked manifest object into what the cluster stores: the checks that need the
// cluster's state (namespace and node exist, immutable fields, clusterIP range and allocation)
// and the stored form of each kind (defaults, allocations, status carried over). No writes.

import type { Deployment, KubeObject, ObjectMeta, ReplicaSet } from '@model/kubernetes/types.ts';
import { NAMESPACED } from '@model/kubernetes/types.ts';
import { sameJson, timestamp, type ClusterContext } from './context.ts';
import { InvalidObject, ObjectNotFound, type FieldError } from './errors.ts';
import type { ManifestObject } from './manifest.ts';
import { invalidBody } from './validation.ts';

/**
 * The checks a single object needs beyond its own fields: its namespace and node exist,
 * immutable fields keep their value, a requested clusterIP is in range and free.
 * `pending` carries what earlier documents of the same manifest will create.
 */
export function checkObject(
  ctx: ClusterContext,
  object: ManifestObject,
  pending: { namespaces?: Set<string>; nodes?: Set<string>; claimedIps?: Map<string, string>; id?: string },
): void {
  const namespace = NAMESPACED[object.kind] ? (object.metadata.namespace ?? 'default') : undefined;
  if (
    namespace !== undefined &&
    !ctx.store.get('Namespace', undefined, namespace) &&
    !pending.namespaces?.has(namespace)
  )
    throw new ObjectNotFound('Namespace', namespace);
  const errors: FieldError[] = [];
  const invalid = (field: string, value: unknown, detail: string) =>
    errors.push({ reason: 'FieldValueInvalid', field, message: invalidBody(value, detail) });
  if (object.kind === 'Pod') {
    const existing = ctx.store.get('Pod', namespace, object.metadata.name);
    const nodeName = object.spec.nodeName;
    if (nodeName && !ctx.store.get('Node', undefined, nodeName) && !pending.nodes?.has(nodeName))
      invalid('spec.nodeName', nodeName, `node ${nodeName} does not exist`);
    if (existing && nodeName && existing.spec.nodeName !== nodeName)
      errors.push({
        reason: 'FieldValueForbidden',
        field: 'spec',
        message:
          'Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
      });
  }
  if (object.kind === 'Deployment' || object.kind === 'ReplicaSet') {
    const existing = ctx.store.get(object.kind, namespace, object.metadata.name);
    if (existing && !sameJson(existing.spec.selector, object.spec.selector))
      invalid('spec.selector', object.spec.selector, 'field is immutable');
  }
  if (object.kind === 'Service') {
    const existing = ctx.store.get('Service', namespace, object.metadata.name);
    const requested = object.spec.clusterIP;
    if (existing && existing.spec.type !== 'ExternalName' && object.spec.type !== 'ExternalName') {
      const was = existing.spec.clusterIP;
      // ValidateServiceUpdate: clusterIP may not change once set (headless included).
      if (requested !== undefined && requested !== '' && was !== undefined && requested !== was)
        invalid('spec.clusterIPs[0]', [requested], 'may not change once set');
    }
    if (
      requested &&
      requested !== 'None' &&
      object.spec.type !== 'ExternalName' &&
      existing?.spec.clusterIP !== requested
    ) {
      const allocators = ctx.allocators;
      if (!allocators.inServiceRange(requested))
        invalid(
          'spec.clusterIPs',
          [requested],
          `failed to allocate IP ${requested}: the provided IP (${requested}) is not in the valid range. The range of valid IPs is ${allocators.serviceCidr}`,
        );
      else {
        const owner = pending.claimedIps?.get(requested);
        if ((owner !== undefined && owner !== pending.id) || allocators.clusterIps.isUsed(requested))
          invalid(
            'spec.clusterIPs',
            [requested],
            `failed to allocate IP ${requested}: provided IP is already allocated`,
          );
        pending.claimedIps?.set(requested, pending.id ?? '');
      }
    }
  }
  if (errors.length > 0) throw InvalidObject.of(object.kind, object.metadata.name, errors);
}

function metaFor(
  ctx: ClusterContext,
  existing: KubeObject | undefined,
  input: ManifestObject['metadata'],
  namespace: string | undefined,
): ObjectMeta {
  const given = input as ObjectMeta & Record<string, unknown>;
  const { labels, annotations, ownerReferences, managedFields, generateName } = given;
  const base: ObjectMeta = existing
    ? {
        name: existing.metadata.name,
        ...(namespace !== undefined ? { namespace } : {}),
        uid: existing.metadata.uid,
        resourceVersion: existing.metadata.resourceVersion,
        ...(existing.metadata.generation !== undefined ? { generation: existing.metadata.generation } : {}),
        creationTimestamp: existing.metadata.creationTimestamp,
      }
    : {
        name: input.name,
        ...(namespace !== undefined ? { namespace } : {}),
        uid: ctx.ids(),
        resourceVersion: '0',
        creationTimestamp: timestamp(ctx.clock),
      };
  return {
    ...base,
    ...(generateName !== undefined ? { generateName } : {}),
    ...(labels ? { labels: { ...labels } } : {}),
    ...(annotations ? { annotations: { ...annotations } } : {}),
    ...(ownerReferences
      ? { ownerReferences }
      : existing?.metadata.ownerReferences
        ? { ownerReferences: existing.metadata.ownerReferences }
        : {}),
    ...(managedFields
      ? { managedFields }
      : existing?.metadata.managedFields
        ? { managedFields: existing.metadata.managedFields }
        : {}),
  };
}

/** metadata.generation: 1 at creation, bumped on each change of the spec. */
function nextGeneration(prev: { metadata: ObjectMeta; spec: unknown } | undefined, spec: unknown): number {
  if (!prev) return 1;
  return (prev.metadata.generation ?? 1) + (sameJson(prev.spec, spec) ? 0 : 1);
}

/** The object as it would be stored: defaults, allocations, status carried over. */
export function buildObject(
  ctx: ClusterContext,
  input: ManifestObject,
  existing: KubeObject | undefined,
  dryRun: boolean,
): KubeObject {
  const namespace = NAMESPACED[input.kind] ? (input.metadata.namespace ?? 'default') : undefined;
  const metadata = metaFor(ctx, existing, input.metadata, namespace);
  const { metadata: _m, ...rest } = input as ManifestObject & Record<string, unknown>;
  switch (input.kind) {
    case 'Namespace':
      return {
        ...rest,
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata,
        spec: { finalizers: ['kubernetes'] },
        status: { phase: 'Active' },
      } satisfies KubeObject;
    case 'Node': {
      const prev = existing?.kind === 'Node' ? existing : undefined;
      return {
        ...rest,
        apiVersion: 'v1',
        kind: 'Node',
        metadata,
        spec: { ...input.spec },
        status: {
          ...input.status,
          conditions: prev?.status.conditions ?? [{ type: 'Ready', status: 'True', reason: 'KubeletReady' }],
          // The simulated kubelet reports the release the API follows (kubectl's VERSION column).
          nodeInfo: {
            kubeletVersion: 'v1.32.0',
            ...(input.status as { nodeInfo?: Record<string, string> }).nodeInfo,
          },
        },
      } satisfies KubeObject;
    }
    case 'Pod': {
      const prev = existing?.kind === 'Pod' ? existing : undefined;
      if (prev)
        return {
          ...rest,
          apiVersion: 'v1',
          kind: 'Pod',
          metadata,
          spec: { ...input.spec, nodeName: prev.spec.nodeName },
          status: prev.status,
        } satisfies KubeObject;
      const ready = input.status?.conditions?.find((c) => c.type === 'Ready')?.status !== 'False';
      return {
        ...rest,
        apiVersion: 'v1',
        kind: 'Pod',
        metadata,
        spec: { ...input.spec },
        status: {
          phase: 'Pending',
          conditions: [
            { type: 'PodScheduled', status: 'False' },
            { type: 'Ready', status: ready ? 'True' : 'False' },
          ],
        },
      } satisfies KubeObject;
    }
    case 'Deployment': {
      const prev = existing?.kind === 'Deployment' ? existing : undefined;
      metadata.generation = nextGeneration(prev, input.spec);
      const status = prev?.status ?? { replicas: 0, readyReplicas: 0 };
      return {
        ...rest,
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata,
        spec: input.spec,
        status,
      } satisfies Deployment;
    }
    case 'ReplicaSet': {
      const prev = existing?.kind === 'ReplicaSet' ? existing : undefined;
      metadata.generation = nextGeneration(prev, input.spec);
      const status = prev?.status ?? { replicas: 0, readyReplicas: 0, availableReplicas: 0 };
      return {
        ...rest,
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata,
        spec: input.spec,
        status,
      } satisfies ReplicaSet;
    }
    case 'Service': {
      const prev = existing?.kind === 'Service' ? existing : undefined;
      const spec = input.spec;
      const headless = spec.clusterIP === 'None';
      let clusterIP: string | undefined;
      if (spec.type !== 'ExternalName') {
        if (headless) clusterIP = 'None';
        else if (spec.clusterIP) clusterIP = spec.clusterIP;
        else if (prev?.spec.clusterIP && prev.spec.clusterIP !== 'None') clusterIP = prev.spec.clusterIP;
        else clusterIP = dryRun ? ctx.allocators.clusterIps.peek() : ctx.allocators.clusterIps.allocate();
      }
      const previousNodePorts = new Map(
        (prev?.spec.ports ?? []).map((p) => [`${p.protocol}/${p.port}`, p.nodePort]),
      );
      const ports = spec.ports.map((p) => {
        let nodePort = p.nodePort;
        if ((spec.type === 'NodePort' || spec.type === 'LoadBalancer') && nodePort === undefined)
          nodePort =
            previousNodePorts.get(`${p.protocol}/${p.port}`) ??
            (dryRun ? undefined : ctx.allocators.nodePorts.allocate());
        return {
          ...p,
          ...(p.name ? { name: p.name } : {}),
          protocol: p.protocol,
          port: p.port,
          targetPort: p.targetPort ?? p.port,
          ...(nodePort !== undefined ? { nodePort } : {}),
        };
      });
      if (!dryRun) {
        if (clusterIP && clusterIP !== 'None' && clusterIP !== prev?.spec.clusterIP)
          ctx.allocators.clusterIps.reserve(clusterIP);
        for (const p of ports) if (p.nodePort !== undefined) ctx.allocators.nodePorts.reserve(p.nodePort);
      }
      return {
        ...rest,
        apiVersion: 'v1',
        kind: 'Service',
        metadata,
        spec: {
          ...spec,
          type: spec.type,
          ports,
          ...(clusterIP !== undefined ? { clusterIP, clusterIPs: [clusterIP] } : {}),
          ...(spec.type !== 'ExternalName'
            ? { sessionAffinity: (spec as { sessionAffinity?: string }).sessionAffinity ?? 'None' }
            : {}),
        },
        // A Service that is no longer a LoadBalancer loses its load-balancer status.
        status: prev && spec.type === 'LoadBalancer' ? prev.status : { loadBalancer: {} },
      } satisfies KubeObject;
    }
    case 'Endpoints':
      return {
        ...rest,
        apiVersion: 'v1',
        kind: 'Endpoints',
        metadata,
        subsets: input.subsets.map((s) => ({
          ...(s.addresses ? { addresses: s.addresses } : {}),
          ...(s.notReadyAddresses ? { notReadyAddresses: s.notReadyAddresses } : {}),
          ...(s.ports ? { ports: s.ports } : {}),
        })),
      } satisfies KubeObject;
  }
}
