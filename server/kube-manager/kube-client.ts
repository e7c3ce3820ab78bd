// The protocol kube-manager speaks to Kubernetes: list and watch of a resource, as a real API
// server serves them (and, for the embedded cluster only, the one status write a load-balancer
// controller makes). Interfaces only: the HTTP client and the in-process one live with the
// Kubernetes API adapter; the composition root picks one.

import type { ApiResource } from '@model/kubernetes/resources.ts';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/** One line of a watch stream, as decoded JSON. */
export interface RawWatchEvent {
  readonly type: WatchEventType;
  readonly object: unknown;
}

export interface ListPage {
  readonly items: readonly unknown[];
  readonly resourceVersion: string;
  /** The continue token of the next page, when there is one. */
  readonly continueToken?: string | undefined;
}

export interface WatchOptions {
  readonly resourceVersion: string;
  readonly allowWatchBookmarks: boolean;
  /** Server-side timeout of the stream; the informer re-watches when it ends. */
  readonly timeoutSeconds?: number | undefined;
}

export interface WatchHandle {
  stop(): void;
}

/** A list failed with an HTTP status (410 Gone for an expired continue token). */
export class KubeStatusError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export interface KubeClient {
  /** Where it points, for logs and errors. */
  readonly description: string;
  list(resource: ApiResource, page: { limit: number; continueToken?: string | undefined }): Promise<ListPage>;
  /**
   * Opens a watch. `onEvent` gets each event in order; `onClose` once, when the stream ends
   * (cleanly, or with the error that broke it). Nothing is delivered after `stop()`.
   */
  watch(
    resource: ApiResource,
    opts: WatchOptions,
    onEvent: (event: RawWatchEvent) => void,
    onClose: (error?: Error) => void,
  ): WatchHandle;
  /**
   * Writes a Service's `status.loadBalancer.ingress` (what kube-manager reports back). Absent on
   * a read-only client: kube-manager never writes to a real cluster.
   */
  setServiceIngress?(namespace: string, name: string, ips: readonly string[]): Promise<void> | void;
}
