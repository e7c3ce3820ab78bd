// The Table form (meta.k8s.io/v1) `kubectl get` asks for: the columns and cells of
// pkg/printers/internalversion/printers.go for each kind we serve (priority 1 columns are the
// `-o wide` ones), ages as duration.HumanDuration prints them. Pure: objects and a clock in.

import type { Clock } from '@server/clock.ts';
import type { KubeObject, ObjectMeta } from '@model/kubernetes/types.ts';
import { isPodReady } from '@model/kubernetes/pods.ts';

export interface ColumnDefinition {
  name: string;
  type: 'string' | 'integer';
  format: string;
  description: string;
  priority: number;
}

const NAME_DOC =
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated.';
const AGE_DOC =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.';

const col = (
  name: string,
  description: string,
  priority = 0,
  type: 'string' | 'integer' = 'string',
  format = '',
): ColumnDefinition => ({
  name,
  type,
  format,
  description,
  priority,
});
const nameCol = (priority = 0) => col('Name', NAME_DOC, priority, 'string', 'name');
const ageCol = () => col('Age', AGE_DOC);
const CONTAINERS = col('Containers', 'Names of each container in the template.', 1);
const IMAGES = col('Images', 'Images referenced by each container in the template.', 1);

const COLUMNS: Readonly<Record<KubeObject['kind'], readonly ColumnDefinition[]>> = {
  Pod: [
    nameCol(),
    col('Ready', 'The aggregate readiness state of this pod for accepting traffic.'),
    col('Status', 'The aggregate status of the containers in this pod.'),
    col(
      'Restarts',
      'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
    ),
    ageCol(),
    col(
      'IP',
      'podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.',
      1,
    ),
    col('Node', 'NodeName indicates in which node this pod is scheduled.', 1),
    col('Nominated Node', 'nominatedNodeName is set only when this pod preempts other pods on the node.', 1),
    col('Readiness Gates', 'If specified, all readiness gates will be evaluated for pod readiness.', 1),
  ],
  Service: [
    nameCol(),
    col('Type', 'type determines how the Service is exposed.'),
    col('Cluster-IP', 'clusterIP is the IP address of the service and is usually assigned randomly.'),
    col(
      'External-IP',
      'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.',
    ),
    col('Port(s)', 'The list of ports that are exposed by this service.'),
    ageCol(),
    col('Selector', 'Route service traffic to pods with label keys and values matching this selector.', 1),
  ],
  Deployment: [
    nameCol(),
    col('Ready', 'Number of the pod with ready state'),
    col(
      'Up-to-date',
      'Total number of non-terminated pods targeted by this deployment that have the desired template spec.',
    ),
    col(
      'Available',
      'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.',
    ),
    ageCol(),
    CONTAINERS,
    IMAGES,
    col('Selector', 'Label selector for pods.', 1),
  ],
  ReplicaSet: [
    nameCol(),
    col('Desired', 'Replicas is the number of desired replicas.', 0, 'integer'),
    col('Current', 'Replicas is the most recently observed number of replicas.', 0, 'integer'),
    col('Ready', 'The number of ready replicas for this replica set.', 0, 'integer'),
    ageCol(),
    CONTAINERS,
    IMAGES,
    col('Selector', 'Selector is a label query over pods that should match the replica count.', 1),
  ],
  Endpoints: [nameCol(), col('Endpoints', 'The set of all endpoints is the union of all subsets.'), ageCol()],
  EndpointSlice: [
    nameCol(),
    col('AddressType', 'The type of address carried by this EndpointSlice'),
    col('Ports', 'Ports provided by this EndpointSlice'),
    col('Endpoints', 'Endpoints represented by this EndpointSlice'),
    ageCol(),
  ],
  Node: [
    nameCol(),
    col('Status', 'The status of the node'),
    col('Roles', 'The roles of the node'),
    ageCol(),
    col('Version', 'Kubelet Version reported by the node.'),
    col('Internal-IP', 'List of addresses reachable to the node.', 1),
    col('External-IP', 'List of addresses reachable to the node.', 1),
    col(
      'OS-Image',
      'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).',
      1,
    ),
    col(
      'Kernel-Version',
      "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).",
      1,
    ),
    col(
      'Container-Runtime',
      'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).',
      1,
    ),
  ],
  Namespace: [nameCol(), col('Status', 'The status of the namespace'), ageCol()],
  Event: [
    col('Last Seen', 'The time at which the most recent occurrence of this event was recorded.'),
    col('Type', 'Type of this event (Normal, Warning), new types could be added in the future'),
    col(
      'Reason',
      "This should be a short, machine understandable string that gives the reason for the transition into the object's current status.",
    ),
    col('Object', 'The object that this event is about.'),
    col(
      'Subobject',
      'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement.',
      1,
    ),
    col('Source', 'The component reporting this event. Should be a short machine understandable string.', 1),
    col('Message', 'A human-readable description of the status of this operation.'),
    col(
      'First Seen',
      'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)',
      1,
    ),
    col('Count', 'The number of times this event has occurred.', 1),
    nameCol(1),
  ],
};

/** k8s.io/apimachinery/pkg/util/duration.HumanDuration. */
function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.floor(seconds / 3600);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.floor(hours / 24) % 365;
    return dy === 0 ? `${Math.floor(hours / 24 / 365)}y` : `${Math.floor(hours / 24 / 365)}y${dy}d`;
  }
  return `${Math.floor(hours / 24 / 365)}y`;
}

const formatLabels = (labels: Readonly<Record<string, string>> | undefined) => {
  const entries = Object.entries(labels ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.length === 0 ? '<none>' : entries.map(([k, v]) => `${k}=${v}`).join(',');
};

function selectorString(selector: {
  matchLabels?: Record<string, string> | undefined;
  matchExpressions?: { key: string; operator: string; values?: string[] | undefined }[] | undefined;
}): string {
  const parts: string[] = Object.entries(selector.matchLabels ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`);
  for (const req of selector.matchExpressions ?? []) {
    if (req.operator === 'In') parts.push(`${req.key} in (${(req.values ?? []).join(',')})`);
    else if (req.operator === 'NotIn') parts.push(`${req.key} notin (${(req.values ?? []).join(',')})`);
    else if (req.operator === 'Exists') parts.push(req.key);
    else parts.push(`!${req.key}`);
  }
  return parts.length === 0 ? '<none>' : parts.join(',');
}

/** Cells of one object's row. */
function rowCells(o: KubeObject, clock: Clock): (string | number)[] {
  const age = (meta: ObjectMeta) => humanDuration(clock.now() - Date.parse(meta.creationTimestamp));
  switch (o.kind) {
    case 'Pod': {
      const containers = o.spec.containers.length;
      const ready = isPodReady(o) ? containers : 0;
      return [
        o.metadata.name,
        `${ready}/${containers}`,
        o.status.phase,
        0,
        age(o.metadata),
        o.status.podIP ?? '<none>',
        o.spec.nodeName ?? '<none>',
        '<none>',
        '<none>',
      ];
    }
    case 'Service': {
      const ingress = (o.status.loadBalancer.ingress ?? []).map((i) => i.ip);
      let external: string;
      if (o.spec.type === 'LoadBalancer')
        external = ingress.length > 0 ? [...ingress, ...(o.spec.externalIPs ?? [])].join(',') : '<pending>';
      else if (o.spec.type === 'ExternalName') external = o.spec.externalName ?? '<none>';
      else external = (o.spec.externalIPs ?? []).length > 0 ? o.spec.externalIPs!.join(',') : '<none>';
      const ports = o.spec.ports
        .map((p) => (p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol}` : `${p.port}/${p.protocol}`))
        .join(',');
      return [
        o.metadata.name,
        o.spec.type,
        o.spec.clusterIP ?? '<none>',
        external,
        ports === '' ? '<none>' : ports,
        age(o.metadata),
        formatLabels(o.spec.selector),
      ];
    }
    case 'Deployment':
      return [
        o.metadata.name,
        `${o.status.readyReplicas ?? 0}/${o.spec.replicas}`,
        o.status.updatedReplicas ?? 0,
        o.status.availableReplicas ?? 0,
        age(o.metadata),
        o.spec.template.spec.containers.map((c) => c.name).join(','),
        o.spec.template.spec.containers.map((c) => c.image).join(','),
        selectorString(o.spec.selector),
      ];
    case 'ReplicaSet':
      return [
        o.metadata.name,
        o.spec.replicas,
        o.status.replicas,
        o.status.readyReplicas,
        age(o.metadata),
        o.spec.template.spec.containers.map((c) => c.name).join(','),
        o.spec.template.spec.containers.map((c) => c.image).join(','),
        selectorString(o.spec.selector),
      ];
    case 'Endpoints':
      return [o.metadata.name, formatEndpoints(o.subsets), age(o.metadata)];
    case 'EndpointSlice': {
      const ports = o.ports.length === 0 ? '<unset>' : o.ports.map((p) => String(p.port)).join(',');
      const addresses = o.endpoints.flatMap((e) => e.addresses);
      const shown = addresses.slice(0, 3).join(',');
      const more = addresses.length > 3 ? ` + ${addresses.length - 3} more...` : '';
      return [
        o.metadata.name,
        o.addressType,
        ports,
        addresses.length === 0 ? '<unset>' : `${shown}${more}`,
        age(o.metadata),
      ];
    }
    case 'Node': {
      const ready = o.status.conditions.find((c) => c.type === 'Ready')?.status === 'True';
      const status = [
        ready ? 'Ready' : 'NotReady',
        ...(o.spec.unschedulable ? ['SchedulingDisabled'] : []),
      ].join(',');
      const roles = Object.keys(o.metadata.labels ?? {})
        .filter((k) => k.startsWith('node-role.kubernetes.io/'))
        .map((k) => k.slice('node-role.kubernetes.io/'.length))
        .filter((r) => r !== '')
        .sort();
      const address = (type: string) => o.status.addresses.find((a) => a.type === type)?.address ?? '<none>';
      const info = o.status.nodeInfo ?? {};
      return [
        o.metadata.name,
        status,
        roles.length === 0 ? '<none>' : roles.join(','),
        age(o.metadata),
        info.kubeletVersion ?? '',
        address('InternalIP'),
        address('ExternalIP'),
        info.osImage ?? '<unknown>',
        info.kernelVersion ?? '<unknown>',
        info.containerRuntimeVersion ?? '<unknown>',
      ];
    }
    case 'Namespace':
      return [o.metadata.name, o.status.phase, age(o.metadata)];
    case 'Event': {
      const since = (t: string) => humanDuration(clock.now() - Date.parse(t));
      const object = `${o.involvedObject.kind.toLowerCase()}/${o.involvedObject.name}`;
      return [
        since(o.lastTimestamp),
        o.type,
        o.reason,
        object,
        '',
        o.source.component,
        o.message.trim(),
        since(o.firstTimestamp),
        o.count,
        o.metadata.name,
      ];
    }
  }
}

/** printers.go formatEndpoints: `ip:port` pairs, at most 3, then `+ N more...`. */
function formatEndpoints(
  subsets: readonly { addresses?: { ip: string }[]; ports?: { port: number }[] }[],
): string {
  const list: string[] = [];
  let count = 0;
  let more = false;
  for (const subset of subsets)
    for (const address of subset.addresses ?? []) {
      const ports = subset.ports ?? [];
      const pairs = ports.length === 0 ? [address.ip] : ports.map((p) => `${address.ip}:${p.port}`);
      for (const pair of pairs) {
        if (count < 3) list.push(pair);
        else more = true;
        count++;
      }
    }
  if (count === 0) return '<none>';
  return more ? `${list.join(',')} + ${count - 3} more...` : list.join(',');
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** A meta.k8s.io/v1 Table of objects of one kind. */
export function buildTable(
  kind: KubeObject['kind'],
  objects: readonly KubeObject[],
  clock: Clock,
  opts: {
    resourceVersion: string;
    continueToken?: string | undefined;
    includeObject: IncludeObject;
    apiVersion: string;
  },
) {
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: {
      resourceVersion: opts.resourceVersion,
      ...(opts.continueToken ? { continue: opts.continueToken } : {}),
    },
    columnDefinitions: COLUMNS[kind],
    rows: objects.map((o) => ({
      cells: rowCells(o, clock),
      ...(opts.includeObject === 'None'
        ? {}
        : {
            object:
              opts.includeObject === 'Object'
                ? o
                : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
          }),
    })),
  };
}
