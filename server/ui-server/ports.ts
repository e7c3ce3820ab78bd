// What the UI server needs from outside its protocols, as interfaces the composition root fills:
// the embedded simulation's controls (send packets, pause kube-manager), where each compute's
// introspect listens, and a reader of the Kubernetes API (the embedded one, or a real cluster's).
// Against a real cluster the simulation's controls are absent and the routes that need them say so.

import type { Endpoints, Pod, Service } from '@model/kubernetes/types.ts';
import type {
  TraceRequest,
  TraceResult,
  TrafficProgress,
  TrafficRequest,
  TrafficResult,
} from '@model/dataplane/types.ts';

/** The embedded dataplane's packet path: sends real (simulated) packets and makes flows. */
export interface PacketSimulator {
  trace(request: TraceRequest): TraceResult;
  traffic(request: TrafficRequest, onProgress?: (progress: TrafficProgress) => void): Promise<TrafficResult>;
}

/** The embedded kube-manager's pause switch (a stuck controller, to produce drift). */
export interface KubeManagerControl {
  readonly paused: boolean;
  setPaused(paused: boolean): Promise<void>;
}

/** A compute's agent introspect, as the embedded simulation registers its listeners. */
export interface IntrospectEndpoint {
  name: string;
  /** Base URL, e.g. `http://127.0.0.1:8085`. */
  url: string;
}

/** Kubernetes as the UI server reads it (list, never watch); errors are UpstreamErrors. */
export interface KubernetesReader {
  /** A description for messages: `the embedded Kubernetes API at …` or the kubeconfig's server. */
  readonly description: string;
  endpoints(namespace: string, name: string): Promise<Endpoints | undefined>;
  /** Every Endpoints object (of a namespace, else all): one list, for the cluster-wide check. */
  listEndpoints(namespace?: string): Promise<Endpoints[]>;
  services(namespace?: string): Promise<Service[]>;
  pods(namespace?: string): Promise<Pod[]>;
}
