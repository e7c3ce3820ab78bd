// Test fixtures for the dataplane: writes the config objects kube-manager produces (computes,
// pods, Services with their VIP floating IPs) straight into a ConfigStore. Tests only.

import { createDefaultObjects } from '@server/config-api/bootstrap.ts';
import type { ConfigStore, StoredObject } from '@server/config-api/store.ts';
import { uuidV5 } from '@server/ids.ts';

const NS = '6ba7b811-9dad-11d1-80b4-00c04fd430c8';
const DOMAIN = 'default-domain';

export interface ServicePort {
  port: number;
  targetPort: number;
  protocol?: 'TCP' | 'UDP';
}

export interface FixtureService {
  readonly name: string;
  readonly lb: StoredObject;
  readonly vipFip: StoredObject;
  externalFip: StoredObject | null;
}

export class DataplaneFixture {
  private seq = 0;
  readonly podVn: StoredObject;
  readonly serviceVn: StoredObject;
  readonly publicVn: StoredObject;
  private readonly publicPool: StoredObject;
  private readonly services = new Map<
    string,
    FixtureService & { lbVmi: StoredObject; vipIip: StoredObject }
  >();

  constructor(readonly store: ConfigStore) {
    createDefaultObjects(store);
    this.ensureProject('k8s-default');
    this.podVn = this.createVn('k8s-default', 'k8s-default-pod-network');
    this.serviceVn = this.createVn('k8s-default', 'k8s-default-service-network');
    this.publicVn = this.createVn('k8s-default', 'public');
    this.publicPool = store.create('floating-ip-pool', {
      fq_name: [...this.publicVn.fqName, 'default'],
      parent_type: 'virtual-network',
    });
  }

  private id(key: string): string {
    return uuidV5(NS, `${key}#${++this.seq}`);
  }

  private ensureProject(name: string): StoredObject {
    return (
      this.store.byFqName('project', [DOMAIN, name]) ??
      this.store.create('project', { fq_name: [DOMAIN, name], parent_type: 'domain' })
    );
  }

  private createVn(project: string, name: string): StoredObject {
    this.ensureProject(project);
    return this.store.create('virtual-network', { fq_name: [DOMAIN, project, name], parent_type: 'project' });
  }

  addCompute(name: string, ip: string): StoredObject {
    return this.store.create('virtual-router', {
      fq_name: ['default-global-system-config', name],
      parent_type: 'global-system-config',
      virtual_router_ip_address: ip,
    });
  }

  private router(node: string): StoredObject {
    const vr = this.store.byFqName('virtual-router', ['default-global-system-config', node]);
    if (!vr) throw new Error(`no compute ${node}`);
    return vr;
  }

  /** A pod: VM (uuid = pod uid), VMI, instance-ip, and the VM ref on its compute's virtual-router. */
  addPod(
    namespace: string,
    name: string,
    node: string,
    ip: string,
    opts: { linkToRouter?: boolean } = {},
  ): { vm: StoredObject; vmi: StoredObject } {
    const project = this.ensureProject(`k8s-${namespace}`);
    const uid = this.id(`pod/${namespace}/${name}`);
    const vm = this.store.create('virtual-machine', { uuid: uid, fq_name: [`k8s__${namespace}__${name}`] });
    const vmiUuid = this.id(`vmi/${namespace}/${name}`);
    const mac = `02:${vmiUuid.slice(0, 2)}:${vmiUuid.slice(2, 4)}:${vmiUuid.slice(4, 6)}:${vmiUuid.slice(6, 8)}:${vmiUuid.slice(9, 11)}`;
    const vmi = this.store.create('virtual-machine-interface', {
      uuid: vmiUuid,
      fq_name: [...project.fqName, `${name}__${vmiUuid}`],
      parent_type: 'project',
      virtual_machine_refs: [{ uuid: vm.uuid }],
      virtual_network_refs: [{ uuid: this.podVn.uuid }],
      virtual_machine_interface_mac_addresses: { mac_address: [mac] },
      virtual_machine_interface_bindings: { key_value_pair: [{ key: 'host_id', value: node }] },
      annotations: {
        key_value_pair: [
          { key: 'kind', value: 'Pod' },
          { key: 'namespace', value: namespace },
          { key: 'name', value: name },
        ],
      },
    });
    this.store.create('instance-ip', {
      fq_name: [`${name}__${this.id('iip')}`],
      instance_ip_address: ip,
      virtual_network_refs: [{ uuid: this.podVn.uuid }],
      virtual_machine_interface_refs: [{ uuid: vmi.uuid }],
    });
    // Large benchmarks skip the ref: the host_id binding places the pod just as well, and
    // rewriting a 1,000-entry ref list per pod is the store's cost, not the dataplane's.
    if (opts.linkToRouter === false) return { vm, vmi };
    const vr = this.router(node);
    const refs = [...(vr.refs.get('virtual-machine') ?? []), { uuid: vm.uuid, attr: null }];
    this.store.update('virtual-router', vr.uuid, {
      virtual_machine_refs: refs.map((r) => ({ uuid: r.uuid })),
    });
    return { vm, vmi };
  }

  podVmi(namespace: string, name: string): StoredObject {
    const vm = this.store.byFqName('virtual-machine', [`k8s__${namespace}__${name}`]);
    const vmi = vm ? this.store.backRefs(vm.uuid, 'virtual-machine-interface')[0]?.object : undefined;
    if (!vmi) throw new Error(`no pod ${namespace}/${name}`);
    return vmi;
  }

  /** Deletes a pod's objects in dependency order (service FIP refs must be gone first). */
  deletePod(namespace: string, name: string): void {
    const vmi = this.podVmi(namespace, name);
    const vmUuid = vmi.refs.get('virtual-machine')![0]!.uuid;
    for (const { object: fip } of this.store.backRefs(vmi.uuid, 'floating-ip'))
      this.store.updateRef('floating-ip', fip.uuid, 'virtual-machine-interface', vmi.uuid, 'DELETE', null);
    for (const { object: vr } of this.store.backRefs(vmUuid, 'virtual-router'))
      this.store.updateRef('virtual-router', vr.uuid, 'virtual-machine', vmUuid, 'DELETE', null);
    for (const { object: iip } of this.store.backRefs(vmi.uuid, 'instance-ip'))
      this.store.delete('instance-ip', iip.uuid);
    this.store.delete('virtual-machine-interface', vmi.uuid);
    this.store.delete('virtual-machine', vmUuid);
  }

  /** A Service's LB, LB VMI, VIP instance-ip and the ECMP floating-ip (no members yet). */
  addService(
    namespace: string,
    name: string,
    vip: string,
    ports: readonly ServicePort[],
    opts: { hashing?: 'maglev' | 'contrail' } = {},
  ): FixtureService {
    const project = this.ensureProject(`k8s-${namespace}`);
    const uid = this.id(`svc/${namespace}/${name}`);
    const lbVmi = this.store.create('virtual-machine-interface', {
      fq_name: [...project.fqName, `k8s__Service__${name}__${uid}`],
      parent_type: 'project',
      virtual_network_refs: [{ uuid: this.serviceVn.uuid }],
      virtual_machine_interface_device_owner: 'K8S:LOADBALANCER',
    });
    const vipIip = this.store.create('instance-ip', {
      fq_name: [`${name}__${this.id('vip')}`],
      instance_ip_address: vip,
      virtual_network_refs: [{ uuid: this.serviceVn.uuid }],
      virtual_machine_interface_refs: [{ uuid: lbVmi.uuid }],
    });
    const lb = this.store.create('loadbalancer', {
      uuid: uid,
      fq_name: [...project.fqName, `${name}__${uid}`],
      parent_type: 'project',
      loadbalancer_provider: 'native',
      loadbalancer_properties: {
        vip_address: vip,
        provisioning_status: 'ACTIVE',
        operating_status: 'ONLINE',
      },
      virtual_machine_interface_refs: [{ uuid: lbVmi.uuid }],
      ...(opts.hashing
        ? { annotations: { key_value_pair: [{ key: 'ecmp-hashing', value: opts.hashing }] } }
        : {}),
    });
    const fipUuid = this.id('fip');
    const vipFip = this.store.create('floating-ip', {
      uuid: fipUuid,
      fq_name: [...vipIip.fqName, fipUuid],
      parent_type: 'instance-ip',
      floating_ip_address: vip,
      floating_ip_traffic_direction: 'ingress',
      floating_ip_port_mappings_enable: true,
      floating_ip_port_mappings: {
        port_mappings: ports.map((p) => ({
          protocol: p.protocol ?? 'TCP',
          src_port: p.port,
          dst_port: p.targetPort,
        })),
      },
    });
    const svc = { name: `${namespace}/${name}`, lb, vipFip, externalFip: null, lbVmi, vipIip };
    this.services.set(svc.name, svc);
    return svc;
  }

  /** A LoadBalancer external IP: a floating-ip from the public pool with the same port maps. */
  addExternalIp(service: string, ip: string): StoredObject {
    const svc = this.service(service);
    const fipUuid = this.id('extfip');
    const fip = this.store.create('floating-ip', {
      uuid: fipUuid,
      fq_name: [...this.publicPool.fqName, fipUuid],
      parent_type: 'floating-ip-pool',
      floating_ip_address: ip,
      floating_ip_traffic_direction: 'ingress',
      floating_ip_port_mappings_enable: true,
      floating_ip_port_mappings: svc.vipFip.props.floating_ip_port_mappings as Record<string, unknown>,
      virtual_machine_interface_refs: [{ uuid: svc.lbVmi.uuid }],
    });
    svc.externalFip = fip;
    return fip;
  }

  private service(key: string) {
    const svc = this.services.get(key);
    if (!svc) throw new Error(`no service ${key}`);
    return svc;
  }

  /** Sets the ready backends (pods `<ns>/<name>`) on every floating IP of the Service. */
  setBackends(service: string, pods: readonly string[]): void {
    const svc = this.service(service);
    const vmis = pods.map((p) => {
      const [ns, name] = p.split('/') as [string, string];
      return { uuid: this.podVmi(ns, name).uuid };
    });
    this.store.update('floating-ip', svc.vipFip.uuid, { virtual_machine_interface_refs: vmis });
    if (svc.externalFip)
      this.store.update('floating-ip', svc.externalFip.uuid, {
        virtual_machine_interface_refs: [{ uuid: svc.lbVmi.uuid }, ...vmis],
      });
  }

  deleteService(service: string): void {
    const svc = this.service(service);
    if (svc.externalFip) this.store.delete('floating-ip', svc.externalFip.uuid);
    this.store.delete('floating-ip', svc.vipFip.uuid);
    this.store.delete('loadbalancer', svc.lb.uuid);
    this.store.delete('instance-ip', svc.vipIip.uuid);
    this.store.delete('virtual-machine-interface', svc.lbVmi.uuid);
    this.services.delete(service);
  }
}
