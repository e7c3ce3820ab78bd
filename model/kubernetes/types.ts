// The Kubernetes object subset the embedded cluster serves, shaped like the real API's JSON
// (apiVersion, kind, metadata, spec, status). Types only; no behaviour. Objects may carry more
// fields than these (a manifest's `imagePullPolicy`, `sessionAffinity`, …): the cluster keeps
// them as given and reads only the ones typed here.

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

export interface ObjectMeta {
  name: string;
  generateName?: string;
  namespace?: string;
  uid: string;
  resourceVersion: string;
  /** Bumped on each spec change of kinds that have one (Deployment, ReplicaSet). */
  generation?: number;
  creationTimestamp: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  managedFields?: ManagedFieldsEntry[];
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface NodeAddress {
  type: 'InternalIP' | 'ExternalIP' | 'Hostname';
  address: string;
}

export interface Node {
  apiVersion: 'v1';
  kind: 'Node';
  metadata: ObjectMeta;
  spec: { podCIDR?: string; unschedulable?: boolean };
  status: {
    addresses: NodeAddress[];
    conditions: { type: 'Ready'; status: 'True' | 'False'; reason?: string }[];
    nodeInfo?: Record<string, string>;
  };
}

export interface Namespace {
  apiVersion: 'v1';
  kind: 'Namespace';
  metadata: ObjectMeta;
  spec: { finalizers?: string[] };
  status: { phase: 'Active' | 'Terminating' };
}

export type Protocol = 'TCP' | 'UDP' | 'SCTP';

export interface ContainerPort {
  name?: string;
  containerPort: number;
  protocol: Protocol;
}

export interface Container {
  name: string;
  image: string;
  ports?: ContainerPort[];
}

export interface PodSpec {
  containers: Container[];
  nodeName?: string;
}

export interface PodCondition {
  type: 'Ready' | 'PodScheduled';
  status: 'True' | 'False';
}

export interface Pod {
  apiVersion: 'v1';
  kind: 'Pod';
  metadata: ObjectMeta;
  spec: PodSpec;
  status: {
    phase: 'Pending' | 'Running';
    podIP?: string;
    podIPs?: { ip: string }[];
    hostIP?: string;
    startTime?: string;
    conditions: PodCondition[];
  };
}

export interface PodTemplate {
  metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
  spec: PodSpec;
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: {
    key: string;
    operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
    values?: string[];
  }[];
}

export interface Deployment {
  apiVersion: 'apps/v1';
  kind: 'Deployment';
  metadata: ObjectMeta;
  spec: {
    replicas: number;
    selector: LabelSelector;
    template: PodTemplate;
  };
  status: {
    observedGeneration?: number;
    replicas: number;
    updatedReplicas?: number;
    readyReplicas: number;
    availableReplicas?: number;
  };
}

export interface ReplicaSet {
  apiVersion: 'apps/v1';
  kind: 'ReplicaSet';
  metadata: ObjectMeta;
  spec: { replicas: number; selector: LabelSelector; template: PodTemplate };
  status: {
    observedGeneration?: number;
    replicas: number;
    fullyLabeledReplicas?: number;
    readyReplicas: number;
    availableReplicas: number;
  };
}

export type ServiceType = 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';

export interface ServicePort {
  name?: string;
  protocol: Protocol;
  port: number;
  targetPort: number | string;
  nodePort?: number;
}

export interface Service {
  apiVersion: 'v1';
  kind: 'Service';
  metadata: ObjectMeta;
  spec: {
    type: ServiceType;
    /** `None` for a headless Service; absent for ExternalName. */
    clusterIP?: string;
    clusterIPs?: string[];
    selector?: Record<string, string>;
    ports: ServicePort[];
    externalName?: string;
    externalIPs?: string[];
    loadBalancerIP?: string;
  };
  status: { loadBalancer: { ingress?: { ip: string }[] } };
}

export interface EndpointAddress {
  ip: string;
  nodeName?: string;
  targetRef?: { kind: 'Pod'; name: string; namespace: string; uid: string };
}

export interface EndpointPort {
  name?: string;
  port: number;
  protocol: Protocol;
}

export interface EndpointSubset {
  addresses?: EndpointAddress[];
  notReadyAddresses?: EndpointAddress[];
  ports?: EndpointPort[];
}

export interface Endpoints {
  apiVersion: 'v1';
  kind: 'Endpoints';
  metadata: ObjectMeta;
  subsets: EndpointSubset[];
}

export interface EndpointSlice {
  apiVersion: 'discovery.k8s.io/v1';
  kind: 'EndpointSlice';
  metadata: ObjectMeta;
  addressType: 'IPv4';
  endpoints: {
    addresses: string[];
    conditions: { ready: boolean; serving: boolean; terminating: boolean };
    nodeName?: string;
    targetRef?: { kind: 'Pod'; name: string; namespace: string; uid: string };
  }[];
  ports: { name?: string; port: number; protocol: Protocol }[];
}

export interface Event {
  apiVersion: 'v1';
  kind: 'Event';
  metadata: ObjectMeta;
  involvedObject: {
    kind: string;
    namespace?: string;
    name: string;
    uid: string;
    apiVersion: string;
    resourceVersion?: string;
  };
  reason: string;
  message: string;
  source: { component: string; host?: string };
  firstTimestamp: string;
  lastTimestamp: string;
  count: number;
  type: 'Normal' | 'Warning';
  reportingComponent: string;
  reportingInstance: string;
}

export type KubeObject =
  Node | Namespace | Pod | Deployment | ReplicaSet | Service | Endpoints | EndpointSlice | Event;
export type Kind = KubeObject['kind'];
export type ObjectOf<K extends Kind> = Extract<KubeObject, { kind: K }>;

export const KINDS = [
  'Namespace',
  'Node',
  'Pod',
  'Deployment',
  'ReplicaSet',
  'Service',
  'Endpoints',
  'EndpointSlice',
  'Event',
] as const satisfies readonly Kind[];

export const NAMESPACED: Readonly<Record<Kind, boolean>> = {
  Namespace: false,
  Node: false,
  Pod: true,
  Deployment: true,
  ReplicaSet: true,
  Service: true,
  Endpoints: true,
  EndpointSlice: true,
  Event: true,
};

/** A cluster change, as a watch delivers it: the object carries the change's resourceVersion. */
export interface ClusterEvent {
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED';
  readonly object: KubeObject;
}
