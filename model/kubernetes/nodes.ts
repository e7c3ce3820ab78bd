// Node conventions read by the cluster's scheduler and by kube-manager: which nodes are computes
// (control-plane nodes carry no vRouter and get no pods) and a node's InternalIP. Pure.

import type { Node } from './types.ts';

/** Labels that mark a control-plane node. */
const CONTROL_PLANE_LABELS = ['node-role.kubernetes.io/master', 'node-role.kubernetes.io/control-plane'];

export function isComputeNode(node: Pick<Node, 'metadata'>): boolean {
  return !CONTROL_PLANE_LABELS.some((label) => node.metadata.labels?.[label] !== undefined);
}

export function internalIp(node: Pick<Node, 'status'>): string | undefined {
  return node.status.addresses.find((a) => a.type === 'InternalIP')?.address;
}
