// The config-store population the benchmarks share: what kube-manager writes for `lbCount`
// Services (the LB VMI + VIP instance-ip, a loadbalancer, listener, pool and 10 members, 5 pod
// VMIs + instance-ips each; ~25 objects per Service, 250k at 10k Services), through the store API.

import { createDefaultObjects } from '@server/config-api/bootstrap.ts';
import type { ConfigStore } from '@server/config-api/store.ts';

const PROJECT = ['default-domain', 'k8s-ns-bench'];
const IPAM = [...PROJECT, 'bench-ipam'];
const SERVICE_VN = [...PROJECT, 'k8s-default-service-network'];
const POD_VN = [...PROJECT, 'k8s-default-pod-network'];
const SG = [...PROJECT, 'k8s-ns-bench-default-sg'];
const PODS_PER_LB = 5;
const MEMBERS_PER_LB = 10;

/** A user-defined subnet on a network → IPAM link (VnSubnetsType). */
const subnet = (prefix: string, len: number) => ({
  ipam_subnets: [{ subnet: { ip_prefix: prefix, ip_prefix_len: len } }],
});

/** Fills `store` (bootstrap objects included) and returns the loadbalancer uuids. */
export function populate(store: ConfigStore, lbCount: number): string[] {
  createDefaultObjects(store);
  store.create('project', { fq_name: PROJECT, parent_type: 'domain' });
  const ipam = store.create('network-ipam', { fq_name: IPAM, parent_type: 'project' });
  const serviceVn = store.create('virtual-network', {
    fq_name: SERVICE_VN,
    parent_type: 'project',
    network_ipam_refs: [{ uuid: ipam.uuid, attr: subnet('10.96.0.0', 12) }],
  }).uuid;
  const podVn = store.create('virtual-network', {
    fq_name: POD_VN,
    parent_type: 'project',
    network_ipam_refs: [{ uuid: ipam.uuid, attr: subnet('10.32.0.0', 12) }],
  }).uuid;
  const sg = store.create('security-group', { fq_name: SG, parent_type: 'project' }).uuid;
  const sas = store.create('service-appliance-set', {
    fq_name: ['default-global-system-config', 'native'],
    parent_type: 'global-system-config',
  });
  const lbUuids: string[] = [];
  for (let i = 0; i < lbCount; i++) {
    const svc = `svc-${i}`;
    // Service IPs from 10.96.0.16 upwards, as the cluster hands them out.
    const vip = `10.96.${(i + 16) >> 8}.${(i + 16) & 255}`;
    const vmi = store.create('virtual-machine-interface', {
      fq_name: [...PROJECT, `k8s__Service__${svc}`],
      parent_type: 'project',
      virtual_machine_interface_device_owner: 'K8S:LOADBALANCER',
      virtual_network_refs: [{ uuid: serviceVn }],
      security_group_refs: [{ uuid: sg }],
    });
    store.create('instance-ip', {
      fq_name: [`${svc}__vip`],
      instance_ip_address: vip,
      virtual_network_refs: [{ uuid: serviceVn }],
      virtual_machine_interface_refs: [{ uuid: vmi.uuid }],
    });
    const lb = store.create('loadbalancer', {
      fq_name: [...PROJECT, `${svc}__uid`],
      parent_type: 'project',
      display_name: `ns__${svc}`,
      loadbalancer_provider: 'native',
      loadbalancer_properties: {
        provisioning_status: 'ACTIVE',
        operating_status: 'ONLINE',
        vip_address: vip,
        admin_state: true,
      },
      service_appliance_set_refs: [{ uuid: sas.uuid }],
      virtual_machine_interface_refs: [{ uuid: vmi.uuid }],
      annotations: {
        key_value_pair: [
          { key: 'owner', value: 'k8s' },
          { key: 'name', value: svc },
          { key: 'kind', value: 'Service' },
        ],
      },
    });
    lbUuids.push(lb.uuid);
    const listener = store.create('loadbalancer-listener', {
      fq_name: [...PROJECT, `${svc}-TCP-80`],
      parent_type: 'project',
      loadbalancer_listener_properties: { protocol: 'TCP', protocol_port: 80 },
      loadbalancer_refs: [{ uuid: lb.uuid }],
    });
    const pool = store.create('loadbalancer-pool', {
      fq_name: [...PROJECT, `${svc}-TCP-80`],
      parent_type: 'project',
      loadbalancer_pool_properties: { protocol: 'TCP' },
      loadbalancer_listener_refs: [{ uuid: listener.uuid }],
    });
    const podVmis: string[] = [];
    for (let p = 0; p < PODS_PER_LB; p++) {
      const pod = store.create('virtual-machine-interface', {
        fq_name: [...PROJECT, `${svc}-pod-${p}`],
        parent_type: 'project',
        virtual_network_refs: [{ uuid: podVn }],
      });
      podVmis.push(pod.uuid);
      // No address given: the API server allocates it from the pod network's subnet.
      store.create('instance-ip', {
        fq_name: [`${svc}-pod-${p}`],
        virtual_network_refs: [{ uuid: podVn }],
        virtual_machine_interface_refs: [{ uuid: pod.uuid }],
      });
    }
    for (let m = 0; m < MEMBERS_PER_LB; m++)
      store.create('loadbalancer-member', {
        fq_name: [...pool.fqName, `member-${m}`],
        parent_type: 'loadbalancer-pool',
        loadbalancer_member_properties: { protocol_port: 8080 + (m >> 2), weight: 1 },
        annotations: { key_value_pair: [{ key: 'vmi', value: podVmis[m % PODS_PER_LB]! }] },
      });
  }
  return lbUuids;
}
