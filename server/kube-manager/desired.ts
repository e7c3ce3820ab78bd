// The pure core of kube-manager: which Contrail objects a Service, Pod, Node or Namespace should
// have (contrail.md §1, §3). Reads neither the store nor the cluster; callers pass in what it needs.

import type { ObjectType } from '@model/contrail/schema.ts';
import { ECMP_HASHING_ANNOTATION } from '@model/dataplane/ecmp-hashing.ts';
import type { Endpoints, Namespace, Node, Pod, Service, ServicePort } from '@model/kubernetes/types.ts';
import { LB_DEVICE_OWNER, macFromUuid, makeName, podVmName } from '@model/contrail/names.ts';
import { formatIpv4, parseCidr, parseIpv4 } from '@model/net/ipv4.ts';
import {
  GLOBAL_SYSTEM_CONFIG,
  NATIVE_DRIVER,
  defaultProjectName,
  lbName,
  listenerProtocol,
  podIpamName,
  podNetworkName,
  projectName,
  publicIpamName,
  publicNetworkName,
  publicPoolName,
  securityGroupName,
  serviceIpamName,
  serviceNetworkName,
  stableUuid,
  uuidKey,
  type KubeManagerConfig,
} from './names.ts';

export interface DesiredRef {
  readonly uuid: string;
  readonly attr?: unknown;
}

/** One Contrail object as kube-manager wants it. Only the fields listed here are compared and written. */
export interface DesiredObject {
  readonly type: ObjectType;
  readonly uuid: string;
  readonly fqName: readonly string[];
  readonly parentType: ObjectType | null;
  readonly displayName: string;
  readonly props: Readonly<Record<string, unknown>>;
  readonly refs: Readonly<Partial<Record<ObjectType, readonly DesiredRef[]>>>;
  /** null: kube-manager sets no annotations on this object. */
  readonly annotations: Readonly<Record<string, string>> | null;
  /** perms2.owner for objects with no parent project (instance-ip), as kube-manager sends it. */
  readonly perms2Owner?: string;
}

/**
 * Where kube-manager's objects hang: the uuid of each object it refers to but does not own per
 * Service or Pod. `resolve` returns the uuid of an existing object with that fq_name, otherwise
 * the stable uuid it will be created with.
 */
export interface DesiredContext {
  readonly config: KubeManagerConfig;
  resolve(type: ObjectType, fqName: readonly string[], fallbackKey: string): string;
  /** stableUuid(config, key), possibly memoised. */
  uuid?(key: string): string;
}

const uuidOf = (ctx: DesiredContext, key: string) => (ctx.uuid ? ctx.uuid(key) : stableUuid(ctx.config, key));

export const projectFq = (ctx: DesiredContext, namespace: string) => [
  ctx.config.domain,
  projectName(ctx.config, namespace),
];

export function projectUuid(ctx: DesiredContext, namespace: string): string {
  const fq = projectFq(ctx, namespace);
  return ctx.resolve('project', fq, `project:${fq[1]}`);
}

function sgRef(ctx: DesiredContext, namespace: string): DesiredRef {
  const fq = [...projectFq(ctx, namespace), securityGroupName(ctx.config, namespace)];
  return { uuid: ctx.resolve('security-group', fq, `sg:${namespace}`) };
}

const defaultProjectFq = (ctx: DesiredContext) => [ctx.config.domain, defaultProjectName(ctx.config)];

function networkUuid(ctx: DesiredContext, name: string): string {
  return ctx.resolve('virtual-network', [...defaultProjectFq(ctx), name], `vn:${name}`);
}

export const podNetworkUuid = (ctx: DesiredContext) => networkUuid(ctx, podNetworkName(ctx.config));
export const serviceNetworkUuid = (ctx: DesiredContext) => networkUuid(ctx, serviceNetworkName(ctx.config));
export const subnetUuid = (ctx: DesiredContext, ipam: string) => uuidOf(ctx, `subnet:${ipam}`);
export const publicPoolFq = (ctx: DesiredContext) => [
  ...defaultProjectFq(ctx),
  publicNetworkName(ctx.config),
  publicPoolName(ctx.config),
];
export const publicPoolUuid = (ctx: DesiredContext) =>
  ctx.resolve('floating-ip-pool', publicPoolFq(ctx), 'fip-pool:public');
export const podVmiUuid = (config: KubeManagerConfig, podUid: string) =>
  stableUuid(config, uuidKey.podVmi(podUid));

function ipamSubnet(ctx: DesiredContext, ipam: string, cidr: string) {
  const { base, prefixLength } = parseCidr(cidr);
  return {
    subnet: { ip_prefix: formatIpv4(base), ip_prefix_len: prefixLength },
    default_gateway: formatIpv4(base + 1),
    subnet_uuid: subnetUuid(ctx, ipam),
    enable_dhcp: true,
    addr_from_start: true,
  };
}

// ---- startup objects --------------------------------------------------------------------------

/**
 * Objects kube-manager (and, for `native`, svc-monitor) make at start. Kube-manager uses
 * flat-subnet IPAMs: the subnet sits on the IPAM and the VN's ipam ref carries no subnets.
 */
export function desiredStartupObjects(ctx: DesiredContext): DesiredObject[] {
  const { config } = ctx;
  const project = defaultProjectFq(ctx);
  const projectId = projectUuid(ctx, 'default');
  const out: DesiredObject[] = [
    {
      type: 'project',
      uuid: projectId,
      fqName: project,
      parentType: 'domain',
      displayName: project[1]!,
      props: {},
      refs: {},
      annotations: { cluster: config.clusterName, kind: 'Namespace', name: 'default', owner: config.owner },
    },
  ];
  // vnc_kubernetes.py _create_network sets VirtualNetworkType(forwarding_mode='l3') on the pod
  // and service networks it makes; the Python client sends every field of the struct.
  const l3 = {
    virtual_network_properties: {
      allow_transit: null,
      network_id: null,
      vxlan_network_identifier: null,
      forwarding_mode: 'l3',
      rpf: null,
      mirror_destination: false,
      max_flows: 0,
    },
  };
  const networks: [string, string, string, Record<string, unknown>][] = [
    [podNetworkName(config), podIpamName(config), config.podSubnet, l3],
    [serviceNetworkName(config), serviceIpamName(config), config.serviceSubnet, l3],
    [publicNetworkName(config), publicIpamName(config), config.publicSubnet, { router_external: true }],
  ];
  for (const [vn, ipam, cidr, extra] of networks) {
    const ipamId = ctx.resolve('network-ipam', [...project, ipam], `ipam:${ipam}`);
    out.push(
      {
        type: 'network-ipam',
        uuid: ipamId,
        fqName: [...project, ipam],
        parentType: 'project',
        displayName: ipam,
        props: {
          ipam_subnet_method: 'flat-subnet',
          ipam_subnets: { subnets: [ipamSubnet(ctx, ipam, cidr)] },
        },
        refs: {},
        annotations: null,
      },
      {
        type: 'virtual-network',
        uuid: networkUuid(ctx, vn),
        fqName: [...project, vn],
        parentType: 'project',
        displayName: vn,
        props: { address_allocation_mode: 'flat-subnet-only', ...extra },
        refs: { 'network-ipam': [{ uuid: ipamId, attr: { ipam_subnets: [] } }] },
        annotations: null,
      },
    );
  }
  out.push(
    {
      type: 'floating-ip-pool',
      uuid: publicPoolUuid(ctx),
      fqName: publicPoolFq(ctx),
      parentType: 'virtual-network',
      displayName: publicPoolName(config),
      props: { floating_ip_pool_subnets: { subnet_uuid: [subnetUuid(ctx, publicIpamName(config))] } },
      refs: {},
      annotations: null,
    },
    {
      // Contrail: svc-monitor's loadbalancer_agent creates this at its start; we have no svc-monitor.
      type: 'service-appliance-set',
      uuid: ctx.resolve('service-appliance-set', [GLOBAL_SYSTEM_CONFIG, 'native'], 'sas:native'),
      fqName: [GLOBAL_SYSTEM_CONFIG, 'native'],
      parentType: 'global-system-config',
      displayName: 'native',
      props: { service_appliance_driver: NATIVE_DRIVER },
      refs: {},
      annotations: null,
    },
  );
  return out;
}

/** A namespace's project (`k8s-default` belongs to the startup objects) and default security group. */
export function desiredNamespaceObjects(ctx: DesiredContext, namespace: Namespace): DesiredObject[] {
  const { config } = ctx;
  const ns = namespace.metadata.name;
  const fq = projectFq(ctx, ns);
  const annotations = { cluster: config.clusterName, kind: 'Namespace', name: ns, owner: config.owner };
  const out: DesiredObject[] = [];
  if (ns !== 'default')
    out.push({
      type: 'project',
      uuid: projectUuid(ctx, ns),
      fqName: fq,
      parentType: 'domain',
      displayName: fq[1]!,
      props: {},
      refs: {},
      annotations,
    });
  const sgName = securityGroupName(config, ns);
  const any = { subnet: { ip_prefix: '0.0.0.0', ip_prefix_len: 0 } };
  const allPorts = [{ start_port: 0, end_port: 65535 }];
  out.push({
    type: 'security-group',
    uuid: sgRef(ctx, ns).uuid,
    fqName: [...fq, sgName],
    parentType: 'project',
    displayName: sgName,
    props: {
      security_group_entries: {
        policy_rule: [
          {
            direction: '>',
            protocol: 'any',
            ethertype: 'IPv4',
            src_addresses: [any],
            dst_addresses: [{ security_group: 'local' }],
            src_ports: allPorts,
            dst_ports: allPorts,
          },
          {
            direction: '>',
            protocol: 'any',
            ethertype: 'IPv4',
            src_addresses: [{ security_group: 'local' }],
            dst_addresses: [any],
            src_ports: allPorts,
            dst_ports: allPorts,
          },
        ],
      },
    },
    refs: {},
    annotations,
  });
  return out;
}

// ---- pods and nodes ---------------------------------------------------------------------------

function podAnnotations(ctx: DesiredContext, pod: Pod): Record<string, string> {
  const ns = pod.metadata.namespace!;
  return {
    cluster: ctx.config.clusterName,
    kind: 'Pod',
    name: pod.metadata.name,
    namespace: ns,
    owner: ctx.config.owner,
    project: projectName(ctx.config, ns),
  };
}

/** A scheduled pod's virtual-machine (uuid = pod uid), VMI and instance-ip (vnc_pod.py). */
export function desiredPodObjects(ctx: DesiredContext, pod: Pod): DesiredObject[] {
  const ip = pod.status.podIP;
  const nodeName = pod.spec.nodeName;
  // Contrail makes the VMI at pod ADDED and waits for an IP from its own IPAM; ours come from the
  // cluster model, so an unscheduled pod (no node, no IP) has nothing yet.
  if (!ip || !nodeName) return [];
  const { config } = ctx;
  const ns = pod.metadata.namespace!;
  const vmName = podVmName(config.clusterName, ns, pod.metadata.name);
  const vmUuid = pod.metadata.uid;
  const vmiUuid = podVmiUuid(config, vmUuid);
  const vmiName = makeName(pod.metadata.name, vmiUuid);
  const iipUuid = stableUuid(config, uuidKey.podInstanceIp(vmUuid));
  const iipName = makeName(pod.metadata.name, iipUuid);
  const projectId = projectUuid(ctx, ns);
  const annotations = podAnnotations(ctx, pod);
  const vn = { uuid: podNetworkUuid(ctx) };
  return [
    {
      type: 'virtual-machine',
      uuid: vmUuid,
      fqName: [vmName],
      parentType: null,
      displayName: vmName,
      props: { server_type: 'container' },
      refs: {},
      annotations: { ...annotations, labels: JSON.stringify(pod.metadata.labels ?? {}) },
    },
    {
      type: 'virtual-machine-interface',
      uuid: vmiUuid,
      fqName: [...projectFq(ctx, ns), vmiName],
      parentType: 'project',
      displayName: vmiName,
      props: {
        virtual_machine_interface_mac_addresses: { mac_address: [macFromUuid(vmiUuid)] },
        virtual_machine_interface_bindings: { key_value_pair: [{ key: 'host_id', value: nodeName }] },
        port_security_enabled: true,
      },
      refs: {
        'virtual-network': [vn],
        'virtual-machine': [{ uuid: vmUuid }],
        'security-group': [sgRef(ctx, ns)],
      },
      // vnc_pod.py vnc_pod_add: index `0/<interfaces>` and the default network's `network`
      // key are passed to add_annotations for the cluster-wide default interface.
      annotations: { ...annotations, index: '0/1', network: 'default' },
    },
    {
      type: 'instance-ip',
      uuid: iipUuid,
      fqName: [iipName],
      parentType: null,
      displayName: iipName,
      props: {
        instance_ip_address: ip,
        instance_ip_family: 'v4',
        subnet_uuid: subnetUuid(ctx, podIpamName(config)),
      },
      refs: { 'virtual-network': [vn], 'virtual-machine-interface': [{ uuid: vmiUuid }] },
      annotations,
      perms2Owner: projectId,
    },
  ];
}

/**
 * A compute node's virtual-router with refs to the VMs of its pods (kube-manager's
 * _link_vm_to_node). Contrail's provisioning creates the virtual-router itself; the embedded
 * cluster has no provisioning step, so kube-manager creates it for each compute node.
 */
export function desiredNodeObjects(
  ctx: DesiredContext,
  node: Node,
  isCompute: boolean,
  vmUuids: readonly string[],
): DesiredObject[] {
  const ip = node.status.addresses.find((a) => a.type === 'InternalIP')?.address;
  if (!isCompute || !ip) return [];
  const name = node.metadata.name;
  return [
    {
      type: 'virtual-router',
      uuid: ctx.resolve('virtual-router', [GLOBAL_SYSTEM_CONFIG, name], `vr:${name}`),
      fqName: [GLOBAL_SYSTEM_CONFIG, name],
      parentType: 'global-system-config',
      displayName: name,
      props: { virtual_router_ip_address: ip },
      refs: { 'virtual-machine': [...vmUuids].sort().map((uuid) => ({ uuid })) },
      annotations: { cluster: ctx.config.clusterName, kind: 'Node', name, owner: ctx.config.owner },
    },
  ];
}

// ---- services ---------------------------------------------------------------------------------

/** Headless and ExternalName Services get no loadbalancer (vnc_service.py skips them; K10). */
export function isLoadBalanced(service: Service): boolean {
  return (
    service.spec.type !== 'ExternalName' && !!service.spec.clusterIP && service.spec.clusterIP !== 'None'
  );
}

/** External addresses a Service asks for: one floating-ip each from the public pool. */
export function requestedExternalIps(service: Service): (string | null)[] {
  if (!isLoadBalanced(service)) return [];
  const requested: (string | null)[] = [...(service.spec.externalIPs ?? [])];
  if (service.spec.type === 'LoadBalancer') {
    const lbIp = service.spec.loadBalancerIP ?? null;
    if (lbIp === null || !requested.includes(lbIp)) requested.unshift(lbIp);
  }
  return requested;
}

export interface ServiceInputs {
  service: Service;
  endpoints: Endpoints | undefined;
  /** Whether a pod uid has (or is getting) its VMI: members are made only for such pods. */
  hasPodInterface(podUid: string): boolean;
  /** The address of each requested external IP (`null` = allocate from the pool). */
  externalAddress(requested: string | null): string | undefined;
}

interface Backend {
  podUid: string;
  ip: string;
  port: number;
}

function portMatches(
  svcPort: ServicePort,
  epPort: { name?: string; protocol: string },
  only: boolean,
): boolean {
  if (epPort.protocol !== svcPort.protocol) return false;
  if (svcPort.name && epPort.name) return svcPort.name === epPort.name;
  return only || (!svcPort.name && !epPort.name);
}

/** Ready backends per Service port: every subset is read (Contrail reads only the first; K5). */
export function backendsByPort(inputs: ServiceInputs): Backend[][] {
  const { service, endpoints } = inputs;
  const only = service.spec.ports.length === 1;
  return service.spec.ports.map((svcPort) => {
    const seen = new Set<string>();
    const backends: Backend[] = [];
    for (const subset of endpoints?.subsets ?? []) {
      const epPort = (subset.ports ?? []).find((p) => portMatches(svcPort, p, only));
      if (!epPort) continue;
      for (const address of subset.addresses ?? []) {
        const uid = address.targetRef?.uid;
        if (!uid || seen.has(uid) || !inputs.hasPodInterface(uid)) continue;
        seen.add(uid);
        backends.push({ podUid: uid, ip: address.ip, port: epPort.port });
      }
    }
    return backends.sort((a, b) => compareIp(a.ip, b.ip));
  });
}

/** The Service's `ecmp-hashing` annotation, copied verbatim (so a typo stays visible), or nothing. */
function serviceHashingAnnotation(service: Service): Record<string, string> {
  const value = service.metadata.annotations?.[ECMP_HASHING_ANNOTATION];
  return value === undefined ? {} : { [ECMP_HASHING_ANNOTATION]: value };
}

function compareIp(a: string, b: string): number {
  return parseIpv4(a) - parseIpv4(b);
}

/**
 * A Service's loadbalancer, listeners, pools, members, LB VMI, VIP instance-ip and its
 * floating-ip, plus one public floating-ip per external address (loadbalancer.py,
 * vnc_service.py, vnc_endpoints.py and svc-monitor's native driver).
 */
export function desiredServiceObjects(ctx: DesiredContext, inputs: ServiceInputs): DesiredObject[] {
  const { service } = inputs;
  if (!isLoadBalanced(service)) return [];
  const { config } = ctx;
  const ns = service.metadata.namespace!;
  const svc = service.metadata.name;
  const uid = service.metadata.uid;
  const vip = service.spec.clusterIP!;
  const project = projectFq(ctx, ns);
  const projectId = projectUuid(ctx, ns);
  const name = lbName(svc, uid);
  const lbVmiUuid = stableUuid(config, uuidKey.lbVmi(uid));
  const lbVmiName = makeName(config.clusterName, 'Service', svc, uid);
  const vipIipUuid = stableUuid(config, uuidKey.vipInstanceIp(uid));
  const vipIipName = makeName(svc, vipIipUuid);
  const vipFipUuid = stableUuid(config, uuidKey.vipFloatingIp(uid));
  const out: DesiredObject[] = [];

  out.push(
    {
      type: 'virtual-machine-interface',
      uuid: lbVmiUuid,
      fqName: [...project, lbVmiName],
      parentType: 'project',
      displayName: makeName(ns, svc),
      props: {
        virtual_machine_interface_mac_addresses: { mac_address: [macFromUuid(lbVmiUuid)] },
        virtual_machine_interface_device_owner: LB_DEVICE_OWNER,
        port_security_enabled: true,
      },
      refs: { 'virtual-network': [{ uuid: serviceNetworkUuid(ctx) }], 'security-group': [sgRef(ctx, ns)] },
      annotations: null,
    },
    {
      type: 'instance-ip',
      uuid: vipIipUuid,
      fqName: [vipIipName],
      parentType: null,
      displayName: svc,
      props: {
        instance_ip_address: vip,
        instance_ip_family: 'v4',
        subnet_uuid: subnetUuid(ctx, serviceIpamName(config)),
      },
      refs: {
        'virtual-network': [{ uuid: serviceNetworkUuid(ctx) }],
        'virtual-machine-interface': [{ uuid: lbVmiUuid }],
      },
      annotations: null,
      perms2Owner: projectId,
    },
    {
      type: 'loadbalancer',
      uuid: uid,
      fqName: [...project, name],
      parentType: 'project',
      displayName: makeName(ns, svc),
      props: {
        loadbalancer_provider: 'native',
        loadbalancer_properties: {
          status: null,
          provisioning_status: 'ACTIVE',
          operating_status: 'ONLINE',
          vip_subnet_id: null,
          vip_address: vip,
          admin_state: true,
        },
      },
      refs: {
        'service-appliance-set': [
          { uuid: ctx.resolve('service-appliance-set', [GLOBAL_SYSTEM_CONFIG, 'native'], 'sas:native') },
        ],
        'virtual-machine-interface': [{ uuid: lbVmiUuid }],
      },
      annotations: {
        cluster: config.clusterName,
        kind: 'Service',
        name: svc,
        namespace: ns,
        owner: config.owner,
        project: project[1]!,
        // Our extension, not Contrail's: the Service's hashing option travels to its
        // loadbalancer, where the dataplane reads it (docs/dataplane.md).
        ...serviceHashingAnnotation(service),
      },
    },
  );

  const backends = backendsByPort(inputs);
  const portMappings: { protocol: string; src_port: number; dst_port: number }[] = [];
  const backendVmis = new Map<string, string>();
  service.spec.ports.forEach((port, i) => {
    const protocol = listenerProtocol(port.protocol);
    const portKey = `${port.protocol}:${port.port}`;
    const listenerUuid = stableUuid(config, uuidKey.listener(uid, portKey));
    const listenerName = `${name}-${port.protocol}-${port.port}-${listenerUuid}`;
    const poolUuid = stableUuid(config, uuidKey.pool(uid, portKey));
    out.push(
      {
        type: 'loadbalancer-listener',
        uuid: listenerUuid,
        fqName: [...project, listenerName],
        parentType: 'project',
        displayName: listenerName,
        props: {
          loadbalancer_listener_properties: {
            protocol,
            protocol_port: port.port,
            admin_state: true,
            connection_limit: null,
            default_tls_container: null,
            sni_containers: [],
          },
        },
        refs: { loadbalancer: [{ uuid: uid }] },
        annotations: port.name ? { portName: port.name } : null,
      },
      {
        type: 'loadbalancer-pool',
        uuid: poolUuid,
        fqName: [...project, listenerName],
        parentType: 'project',
        displayName: listenerName,
        props: {
          loadbalancer_pool_properties: {
            status: null,
            status_description: null,
            admin_state: true,
            protocol,
            loadbalancer_method: null,
            subnet_id: null,
            session_persistence: null,
            persistence_cookie_name: null,
          },
        },
        refs: { 'loadbalancer-listener': [{ uuid: listenerUuid }] },
        annotations: null,
      },
    );
    const portBackends = backends[i]!;
    for (const backend of portBackends) {
      const memberUuid = stableUuid(config, uuidKey.member(uid, portKey, backend.podUid));
      const vmiUuid = uuidOf(ctx, uuidKey.podVmi(backend.podUid));
      backendVmis.set(vmiUuid, backend.ip);
      out.push({
        type: 'loadbalancer-member',
        uuid: memberUuid,
        fqName: [...project, listenerName, memberUuid],
        parentType: 'loadbalancer-pool',
        displayName: memberUuid,
        props: {
          loadbalancer_member_properties: {
            admin_state: true,
            status: null,
            status_description: null,
            protocol_port: backend.port,
            weight: 1,
            address: null,
            subnet_id: null,
          },
        },
        refs: {},
        annotations: { vm: backend.podUid, vmi: vmiUuid },
      });
    }
    // svc-monitor keeps one port map per (listener port, protocol); the first member's
    // targetPort wins, so pods that resolve a named targetPort differently share it.
    const first = portBackends[0];
    if (first)
      portMappings.push({
        protocol: protocol === 'UDP' ? 'UDP' : 'TCP',
        src_port: port.port,
        dst_port: first.port,
      });
  });

  const podVmiRefs = [...backendVmis].sort(([, a], [, b]) => compareIp(a, b)).map(([uuid]) => ({ uuid }));
  const fipProps = (address: string) => ({
    floating_ip_address: address,
    floating_ip_traffic_direction: 'ingress',
    // Contrail flips this on with the first member and never back; ours is on from the start so
    // a Service with no ready pods does not look different from one that lost them.
    floating_ip_port_mappings_enable: true,
    floating_ip_port_mappings: { port_mappings: portMappings },
  });
  out.push({
    type: 'floating-ip',
    uuid: vipFipUuid,
    fqName: [vipIipName, vipFipUuid],
    parentType: 'instance-ip',
    displayName: vipFipUuid,
    props: fipProps(vip),
    refs: { project: [{ uuid: projectId }], 'virtual-machine-interface': podVmiRefs },
    annotations: null,
  });

  for (const requested of requestedExternalIps(service)) {
    const address = inputs.externalAddress(requested);
    if (!address) continue;
    const fipName = `${name}${requested ?? 'None'}-externalIP`;
    out.push({
      type: 'floating-ip',
      uuid: stableUuid(config, uuidKey.externalFloatingIp(uid, requested)),
      fqName: [...publicPoolFq(ctx), fipName],
      parentType: 'floating-ip-pool',
      displayName: fipName,
      props: { ...fipProps(address), floating_ip_fixed_ip_address: null },
      refs: {
        project: [{ uuid: projectId }],
        'virtual-machine-interface': [{ uuid: lbVmiUuid }, ...podVmiRefs],
      },
      annotations: null,
    });
  }
  return out;
}
