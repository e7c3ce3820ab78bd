// The scheduler: binds a pod to the schedulable compute node with the fewest pods (ties by name)
// and gives it an IP from the pod pool. Control-plane nodes are skipped, as Contrail's computes
// are the only ones with a vRouter. Writes through the context's store.

import type { Node, Pod } from '@model/kubernetes/types.ts';
import { internalIp, isComputeNode } from '@model/kubernetes/nodes.ts';
import { timestamp, type ClusterContext } from './context.ts';

function pickNode(ctx: ClusterContext): Node | undefined {
  let best: { node: Node; load: number } | undefined;
  for (const node of ctx.store.values('Node')) {
    if (!isComputeNode(node) || node.spec.unschedulable) continue;
    const load = ctx.indexes.podsByNode.get(node.metadata.name)?.size ?? 0;
    if (!best || load < best.load || (load === best.load && node.metadata.name < best.node.metadata.name))
      best = { node, load };
  }
  return best?.node;
}

/**
 * The pod bound and running on a node (its own `spec.nodeName`, or the scheduler's pick), or the
 * pod unchanged when no node can take it. `ready` is the Ready condition it starts with.
 */
export function bindPod(ctx: ClusterContext, pod: Pod, ready: boolean): Pod {
  const node = pod.spec.nodeName ? ctx.store.get('Node', undefined, pod.spec.nodeName) : pickNode(ctx);
  if (!node) return pod;
  const ip = ctx.allocators.podIps.allocate();
  const hostIp = internalIp(node);
  return {
    ...pod,
    spec: { ...pod.spec, nodeName: node.metadata.name },
    status: {
      ...pod.status,
      phase: 'Running',
      podIP: ip,
      podIPs: [{ ip }],
      ...(hostIp ? { hostIP: hostIp } : {}),
      startTime: timestamp(ctx.clock),
      conditions: [
        { type: 'PodScheduled', status: 'True' },
        { type: 'Ready', status: ready ? 'True' : 'False' },
      ],
    },
  };
}
