// Pod conventions read by the cluster model, kube-manager and the UI: readiness and the
// `<namespace>/<name>` key. Pure.

import type { Pod } from './types.ts';

/** The `Ready` condition is `True` (what the endpoints controller and kube-manager go by). */
export function isPodReady(pod: Pick<Pod, 'status'>): boolean {
  return pod.status.conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}

/** `<namespace>/<name>`; a namespaced object without a namespace is in `default`. */
export function podKey(pod: { metadata: { namespace?: string | undefined; name: string } }): string {
  return `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`;
}
