// The Kubernetes object subset the embedded cluster serves, shaped like the real API's JSON
// (apiVersion, kind, metadata, spec, status). Types only; no behaviour.

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid: string;
  resourceVersion: string;
  creationTimestamp: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  generateName?: string;
  ownerReferences?: OwnerReference[];
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
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
  status: { addresses: NodeAddress[]; conditions: { type: 'Ready'; status: 'True' | 'False' }[] };
}

export interface Namespace {
  apiVersion: 'v1';
  kind: 'Namespace';
  metadata: ObjectMeta;
  spec: Record<string, never>;
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
    conditions: PodCondition[];
  };
}

export interface Deployment {
  apiVersion: 'apps/v1';
  kind: 'Deployment';
  metadata: ObjectMeta;
  spec: {
    replicas: number;
    selector: { matchLabels: Record<string, string> };
    template: { metadata: { labels: Record<string, string> }; spec: PodSpec };
  };
  status: { replicas: number; readyReplicas: number };
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

export type KubeObject = Node | Namespace | Pod | Deployment | Service | Endpoints;
export type Kind = KubeObject['kind'];

export const KINDS = [
  'Namespace',
  'Node',
  'Pod',
  'Deployment',
  'Service',
  'Endpoints',
] as const satisfies readonly Kind[];

export const NAMESPACED: Readonly<Record<Kind, boolean>> = {
  Namespace: false,
  Node: false,
  Pod: true,
  Deployment: true,
  Service: true,
  Endpoints: true,
};

/** A cluster change, as a watch would deliver it. */
export interface ClusterEvent {
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED';
  readonly object: KubeObject;
}

export type ClusterListener = (event: ClusterEvent) => void;
