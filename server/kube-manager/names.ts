// Names, fq_names and uuids kube-manager gives Contrail objects (vnc_common.py, loadbalancer.py,
// vnc_pod.py rules). Pure string functions; nothing here reads the store or the cluster.

import { makeName } from '@model/contrail/names.ts';
import { uuidV5 } from '@server/ids.ts';

export interface KubeManagerConfig {
  /** `[KUBERNETES] cluster_name`. */
  readonly clusterName: string;
  /** `kubernetes_cluster_owner`. */
  readonly owner: string;
  readonly domain: string;
  readonly podSubnet: string;
  readonly serviceSubnet: string;
  /** Stands in for the `public_fip_pool` setting: where LoadBalancer external IPs come from. */
  readonly publicSubnet: string;
}

export const DEFAULT_CONFIG: KubeManagerConfig = {
  clusterName: 'k8s',
  owner: 'k8s',
  domain: 'default-domain',
  podSubnet: '10.32.0.0/12',
  serviceSubnet: '10.96.0.0/12',
  publicSubnet: '203.0.113.0/24',
};

export const NATIVE_DRIVER =
  'svc_monitor.services.loadbalancer.drivers.native.driver.OpencontrailLoadbalancerDriver';
export const GLOBAL_SYSTEM_CONFIG = 'default-global-system-config';

const UUID_NAMESPACE = '3b6e1a9c-7d2f-5e4a-8c1b-0f9d2e6a4b75';

/**
 * Differs from Contrail on purpose (K1/K2): kube-manager makes pool, member, listener, VMI,
 * instance-ip and floating-ip uuids with uuid4/uuid1, so a restart mid-create duplicates them.
 * Ours are uuid5 of stable keys scoped by the cluster name, so a restart finds what it made and
 * another cluster's controller can never produce (and so never touch) the same uuid.
 */
export function stableUuid(config: KubeManagerConfig, key: string): string {
  return uuidV5(UUID_NAMESPACE, `${config.clusterName}/${key}`);
}

/**
 * The keys stable uuids are made from, one per object kube-manager creates: desired state makes
 * the objects with them and the controller finds its own objects by them.
 */
export const uuidKey = {
  podVmi: (podUid: string) => `vmi:${podUid}`,
  podInstanceIp: (podUid: string) => `iip:${podUid}`,
  lbVmi: (serviceUid: string) => `lb-vmi:${serviceUid}`,
  vipInstanceIp: (serviceUid: string) => `vip-iip:${serviceUid}`,
  vipFloatingIp: (serviceUid: string) => `vip-fip:${serviceUid}`,
  listener: (serviceUid: string, portKey: string) => `listener:${serviceUid}:${portKey}`,
  pool: (serviceUid: string, portKey: string) => `pool:${serviceUid}:${portKey}`,
  member: (serviceUid: string, portKey: string, podUid: string) =>
    `member:${serviceUid}:${portKey}:${podUid}`,
  externalFloatingIp: (serviceUid: string, requested: string | null | undefined) =>
    `external-fip:${serviceUid}:${requested ?? 'None'}`,
} as const;

/**
 * stableUuid for keys asked for over and over (a pod's VMI once per Service port it backs, the
 * IPAM subnets once per object). SHA-1 dominated a cold reconcile without it. Bounded by
 * `maxEntries`; cleared wholesale when full, which only costs recomputation.
 */
export class StableUuidCache {
  private readonly cache = new Map<string, string>();
  constructor(
    private readonly config: KubeManagerConfig,
    private readonly maxEntries = 200_000,
  ) {}
  get(key: string): string {
    let uuid = this.cache.get(key);
    if (uuid === undefined) {
      if (this.cache.size >= this.maxEntries) this.cache.clear();
      uuid = stableUuid(this.config, key);
      this.cache.set(key, uuid);
    }
    return uuid;
  }
}

/** Project of a namespace: `<cluster>-<namespace>` (so namespace `default` → `k8s-default`). */
export const projectName = (config: KubeManagerConfig, namespace: string) =>
  `${config.clusterName}-${namespace}`;
export const defaultProjectName = (config: KubeManagerConfig) => `${config.clusterName}-default`;
export const securityGroupName = (config: KubeManagerConfig, namespace: string) =>
  `${config.clusterName}-${namespace}-default-sg`;
export const podNetworkName = (config: KubeManagerConfig) => `${config.clusterName}-default-pod-network`;
export const serviceNetworkName = (config: KubeManagerConfig) =>
  `${config.clusterName}-default-service-network`;
export const publicNetworkName = (config: KubeManagerConfig) => `${config.clusterName}-public-network`;
export const publicPoolName = (config: KubeManagerConfig) => `${config.clusterName}-public-fip-pool`;
export const podIpamName = (config: KubeManagerConfig) => `${config.clusterName}-pod-ipam`;
export const serviceIpamName = (config: KubeManagerConfig) => `${config.clusterName}-service-ipam`;
export const publicIpamName = (config: KubeManagerConfig) => `${config.clusterName}-public-ipam`;

/** Listener protocol: UDP unless the port's protocol is one the schema names (so SCTP → UDP). */
export function listenerProtocol(protocol: string): 'TCP' | 'UDP' | 'HTTP' | 'HTTPS' | 'TERMINATED_HTTPS' {
  return protocol === 'TCP' || protocol === 'HTTP' || protocol === 'HTTPS' || protocol === 'TERMINATED_HTTPS'
    ? protocol
    : 'UDP';
}

export const lbName = (serviceName: string, serviceUid: string) => makeName(serviceName, serviceUid);
