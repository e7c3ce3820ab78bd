// The names the tree gives its rows, readable at a glance instead of kube-manager's 100-character
// object names: `TCP:8888` for a listener or pool, `webserver-…qzs9m 10.47.255.254:80 @k8s-node1`
// (pod, IP:port, node) for a member. Pure.

import type { MemberRow } from '@model/explorer.ts';
import { refLabel } from '@web/components/ref-label.ts';
import type { TreeNode } from './tree-model.ts';

/**
 * A Deployment's pod is `<deployment>-<pod-template-hash>-<suffix>`: the hash is the same for
 * every pod of a ReplicaSet and tells nothing apart, so it is elided (`webserver-…qzs9m`).
 */
const DEPLOYMENT_POD = /^(.+)-[a-z0-9]{6,10}-([a-z0-9]{5})$/;

export function shortPodName(name: string): string {
  const m = DEPLOYMENT_POD.exec(name);
  return m ? `${m[1]}-…${m[2]}` : name;
}

export interface MemberName {
  /** `webserver-…qzs9m` (or the full name when it has no ReplicaSet hash); null without a pod. */
  pod: string | null;
  /** `10.47.255.254:80`: where the member receives traffic. */
  endpoint: string;
  node: string | null;
}

export function memberName(row: MemberRow): MemberName {
  const ip = row.podIp ?? row.address ?? '?';
  return {
    pod: row.pod?.name ? shortPodName(row.pod.name) : null,
    endpoint: `${ip}:${row.targetPort ?? '?'}`,
    node: row.node,
  };
}

/** `protocol:port` of a listener, or of the pool kube-manager names after its listener. */
function protocolPort(node: Extract<TreeNode, { kind: 'listener' | 'pool' }>): string {
  if (node.kind === 'listener' && node.row.protocol !== null && node.row.port !== null)
    return `${node.row.protocol}:${node.row.port}`;
  return refLabel(`loadbalancer-${node.kind}`, node.row.fqName, node.row.uuid);
}

/** The row's name in full (pod name unabridged): what labels and screen readers use. */
export function rowName(node: TreeNode): string {
  switch (node.kind) {
    case 'loadbalancer':
      return node.row.displayName;
    case 'listener':
    case 'pool':
      return protocolPort(node);
    case 'member': {
      const { endpoint, node: host } = memberName(node.row);
      const pod = node.row.pod?.name ?? node.row.displayName;
      return `${pod} ${endpoint}${host ? ` @${host}` : ''}`;
    }
  }
}

const KIND_WORD: Readonly<Record<TreeNode['kind'], string>> = {
  loadbalancer: 'load balancer',
  listener: 'listener',
  pool: 'pool',
  member: 'member',
};

/**
 * The name with its kind, unique enough for a button's label: a listener and its pool share
 * `TCP:8888`. A load balancer's display name already says what it is.
 */
export function labelledName(node: TreeNode): string {
  return node.kind === 'loadbalancer' ? rowName(node) : `${KIND_WORD[node.kind]} ${rowName(node)}`;
}
