// The subset of the Contrail VNC schema (tf-api-client schema/*.xsd) this product serves:
// which types exist, their parents, property fields and references. Pure data; the store,
// the renderer and the web client all derive their rules from this one table.

export const OBJECT_TYPES = [
  'domain',
  'project',
  'global-system-config',
  'global-vrouter-config',
  'virtual-network',
  'network-ipam',
  'routing-instance',
  'security-group',
  'virtual-machine',
  'virtual-machine-interface',
  'instance-ip',
  'floating-ip-pool',
  'floating-ip',
  'service-appliance-set',
  'virtual-router',
  'loadbalancer',
  'loadbalancer-listener',
  'loadbalancer-pool',
  'loadbalancer-member',
  'loadbalancer-healthmonitor',
] as const;

export type ObjectType = (typeof OBJECT_TYPES)[number];

/**
 * The type of a property, of a field inside a property struct, or of a reference's link
 * attribute, as the schema declares it (tf-api-client `schema/*.xsd`, `schema/yaml/types.yml`).
 * Scalars carry their xsd type, restriction (enumeration or integer range) and default; a struct
 * lists its fields in the xsd's order; `untyped` marks a subtree we do not model field by field
 * (it is still bounded in depth and size, see server/config-api/field-check.ts).
 */
export type FieldSpec =
  | {
      readonly kind: 'string';
      readonly default?: string | null;
      /** xsd enumeration: the only values the API server accepts. */
      readonly values?: readonly string[];
      /** `ip-address`: IpAddressType, parsed strictly (IPv4 without leading zeros, or IPv6). */
      readonly format?: 'ip-address';
    }
  | {
      readonly kind: 'integer';
      readonly default?: number | null;
      /** xsd minInclusive / maxInclusive. */
      readonly range?: readonly [number, number];
    }
  | { readonly kind: 'boolean'; readonly default?: boolean | null }
  | { readonly kind: 'list'; readonly items: FieldSpec }
  | {
      readonly kind: 'struct';
      readonly fields: Readonly<Record<string, FieldSpec>>;
      /** `subnet`: SubnetType, which the API server checks as a CIDR and normalises. */
      readonly format?: 'subnet';
    }
  | { readonly kind: 'untyped' };

export interface TypeSchema {
  /** Allowed parent types; empty for objects under config-root. */
  readonly parents: readonly ObjectType[];
  readonly props: Readonly<Record<string, FieldSpec>>;
  /**
   * Reference target types, each with the type of the link attribute (`null` when the link
   * carries none: the API server then stores whatever `attr` it is given, which must be null).
   */
  readonly refs: Readonly<Partial<Record<ObjectType, FieldSpec | null>>>;
  /**
   * ListProperty / MapProperty fields (vnc_cfg.xsd IFMAP-SEMANTICS-IDL), which
   * `/prop-collection-update` and `/prop-collection-get` edit element by element; a map names
   * the key field of its elements. `annotations` is a map on every type.
   */
  readonly collections?: Readonly<
    Record<string, { readonly kind: 'list' } | { readonly kind: 'map'; readonly key: string }>
  >;
}

const string = (dflt: string | null = null, values?: readonly string[]): FieldSpec => ({
  kind: 'string',
  default: dflt,
  ...(values ? { values } : {}),
});
const integer = (dflt: number | null = null, range?: readonly [number, number]): FieldSpec => ({
  kind: 'integer',
  default: dflt,
  ...(range ? { range } : {}),
});
const boolean = (dflt: boolean | null = null): FieldSpec => ({ kind: 'boolean', default: dflt });
const list = (items: FieldSpec): FieldSpec => ({ kind: 'list', items });
const struct = (fields: Record<string, FieldSpec>): FieldSpec => ({ kind: 'struct', fields });
/** A subtree the schema types but we do not model field by field (bounded, not checked). */
const untyped: FieldSpec = { kind: 'untyped' };

// ---- simple and complex types of vnc_cfg.xsd / loadbalancer.xsd used below -------------------

/** IpAddressType: xsd:string holding standard IPv4 or IPv6 notation. */
const ipAddress: FieldSpec = { kind: 'string', default: null, format: 'ip-address' };
const uuidString = string(); // UuidStringType
const trafficDirection = (dflt: string | null = null) => string(dflt, ['ingress', 'egress', 'both']);
const ipFamily = string(null, ['v4', 'v6']);
const lbProtocol = string(null, ['HTTP', 'HTTPS', 'TCP', 'UDP', 'TERMINATED_HTTPS']);
/** SubnetType; api_server.py `_validate_subnet_type` parses it as a CIDR and normalises it. */
const subnetType: FieldSpec = {
  kind: 'struct',
  fields: { ip_prefix: string(), ip_prefix_len: integer() },
  format: 'subnet',
};
const keyValuePairs = struct({ key_value_pair: list(struct({ key: string(), value: string() })) });
const ecmpHashingIncludeFields = struct({
  hashing_configured: boolean(false),
  source_ip: boolean(true),
  destination_ip: boolean(true),
  ip_protocol: boolean(true),
  source_port: boolean(true),
  destination_port: boolean(true),
});
/** IpamSubnetType, in the xsd's field order. */
const ipamSubnetType = struct({
  subnet: subnetType,
  default_gateway: ipAddress,
  dns_server_address: ipAddress,
  subnet_uuid: string(),
  enable_dhcp: boolean(true),
  dns_nameservers: list(ipAddress),
  allocation_pools: list(struct({ start: ipAddress, end: ipAddress, vrouter_specific_pool: boolean() })),
  addr_from_start: boolean(),
  dhcp_option_list: untyped,
  host_routes: untyped,
  subnet_name: string(),
  alloc_unit: integer(1),
  created: string(),
  last_modified: string(),
  subscriber_tag: string(),
  vlan_tag: integer(),
  dhcp_relay_server: list(ipAddress),
});
/** VnSubnetsType: the attribute of a virtual-network → network-ipam link. */
const vnSubnetsType = struct({ ipam_subnets: list(ipamSubnetType), host_routes: untyped });
/** PolicyBasedForwardingRuleType: the attribute of a VMI → routing-instance link. */
const policyBasedForwardingRuleType = struct({
  direction: trafficDirection(),
  vlan_tag: integer(),
  src_mac: string(),
  dst_mac: string(),
  mpls_label: integer(),
  service_chain_address: ipAddress,
  ipv6_service_chain_address: ipAddress,
  protocol: string(),
});
const portType = struct({ start_port: integer(null, [-1, 65535]), end_port: integer(null, [-1, 65535]) });
const addressType = struct({
  subnet: subnetType,
  virtual_network: string(),
  security_group: string(),
  network_policy: string(),
  subnet_list: list(subnetType),
});
/** PolicyRuleType (security-group rules), in the xsd's field order. */
const policyRuleType = struct({
  rule_sequence: struct({ major: integer(), minor: integer() }),
  rule_uuid: string(),
  direction: string(null, ['>', '<>']),
  protocol: string(),
  src_addresses: list(addressType),
  src_ports: list(portType),
  application: list(string()),
  dst_addresses: list(addressType),
  dst_ports: list(portType),
  action_list: untyped,
  ethertype: string(null, ['IPv4', 'IPv6']),
  created: string(),
  last_modified: string(),
  description: string(),
});

const annotationsMap = { annotations: { kind: 'map', key: 'key' } } as const;

export const SCHEMA: Readonly<Record<ObjectType, TypeSchema>> = {
  domain: {
    parents: [],
    props: {
      domain_limits: struct({
        project_limit: integer(),
        virtual_network_limit: integer(),
        security_group_limit: integer(),
      }),
    },
    refs: {},
  },
  project: {
    parents: ['domain'],
    props: {
      // QuotaType, in the xsd's order.
      quota: struct({
        defaults: integer(),
        floating_ip: integer(),
        instance_ip: integer(),
        virtual_machine_interface: integer(),
        virtual_network: integer(),
        virtual_router: integer(),
        virtual_DNS: integer(),
        virtual_DNS_record: integer(),
        bgp_router: integer(),
        network_ipam: integer(),
        access_control_list: integer(),
        network_policy: integer(),
        floating_ip_pool: integer(),
        service_template: integer(),
        service_instance: integer(),
        logical_router: integer(),
        security_group: integer(),
        security_group_rule: integer(),
        subnet: integer(),
        global_vrouter_config: integer(),
        loadbalancer: integer(),
        loadbalancer_listener: integer(),
        loadbalancer_pool: integer(),
        loadbalancer_member: integer(),
        loadbalancer_healthmonitor: integer(),
        virtual_ip: integer(),
        security_logging_object: integer(),
        route_table: integer(),
        firewall_group: integer(),
        firewall_policy: integer(),
        firewall_rule: integer(),
        host_based_service: integer(0, [0, 1]),
      }),
      vxlan_routing: boolean(),
      alarm_enable: boolean(),
      enable_security_policy_draft: boolean(false),
    },
    refs: {},
  },
  'global-system-config': {
    parents: [],
    props: {
      autonomous_system: integer(null, [1, 4294967295]),
      config_version: string(),
      ibgp_auto_mesh: boolean(true),
      ip_fabric_subnets: struct({ subnet: list(subnetType) }),
    },
    refs: {},
  },
  // tf-api-client schema/yaml/global-vrouter-config-schema.yml: the vRouters' global settings,
  // among them the ECMP hash fields every agent falls back to (vnc_cfg.xsd L1308).
  'global-vrouter-config': {
    parents: ['global-system-config'],
    props: {
      ecmp_hashing_include_fields: ecmpHashingIncludeFields,
      enable_security_logging: boolean(true),
      encapsulation_priorities: struct({ encapsulation: list(string(null, ['MPLSoGRE', 'MPLSoUDP', 'VXLAN'])) }),
      flow_export_rate: integer(),
      forwarding_mode: string(null, ['l2_l3', 'l2', 'l3']),
      linklocal_services: untyped,
      vxlan_network_identifier_mode: string(null, ['configured', 'automatic']),
    },
    refs: {},
  },
  'virtual-network': {
    parents: ['project'],
    props: {
      virtual_network_properties: struct({
        allow_transit: boolean(),
        network_id: integer(),
        vxlan_network_identifier: integer(null, [1, 16777215]),
        forwarding_mode: string(null, ['l2_l3', 'l2', 'l3']),
        rpf: string(null, ['enable', 'disable']),
        mirror_destination: boolean(false),
        max_flows: integer(0, [0, 4294967296]),
        mtu: integer(null, [0, 9216]),
      }),
      virtual_network_network_id: integer(null, [1, 4294967296]),
      ecmp_hashing_include_fields: ecmpHashingIncludeFields,
      address_allocation_mode: string(null, [
        'user-defined-subnet-preferred',
        'user-defined-subnet-only',
        'flat-subnet-preferred',
        'flat-subnet-only',
      ]),
      router_external: boolean(),
      is_shared: boolean(),
      flood_unknown_unicast: boolean(false),
      fabric_snat: boolean(false),
      port_security_enabled: boolean(true),
    },
    refs: { 'network-ipam': vnSubnetsType },
  },
  'network-ipam': {
    parents: ['project'],
    props: {
      network_ipam_mgmt: struct({
        ipam_method: string(null, ['dhcp', 'fixed']),
        ipam_dns_method: string(null, [
          'none',
          'default-dns-server',
          'tenant-dns-server',
          'virtual-dns-server',
        ]),
        ipam_dns_server: untyped,
        dhcp_option_list: untyped,
        cidr_block: subnetType,
        host_routes: untyped,
      }),
      ipam_subnets: struct({ subnets: list(ipamSubnetType) }),
      ipam_subnet_method: string(null, ['user-defined-subnet', 'flat-subnet', 'auto-subnet']),
      ipam_subnetting: boolean(false),
    },
    refs: {},
    collections: { ...annotationsMap, ipam_subnets: { kind: 'list' } },
  },
  'routing-instance': {
    parents: ['virtual-network'],
    props: {
      routing_instance_is_default: boolean(false),
      routing_instance_has_pnf: boolean(false),
      routing_instance_fabric_snat: boolean(false),
      default_ce_protocol: struct({
        bgp: struct({ autonomous_system: integer() }),
        ospf: struct({ area: integer() }),
      }),
    },
    refs: {},
  },
  'security-group': {
    parents: ['project'],
    props: {
      security_group_id: integer(null, [8000000, 4294967296]),
      configured_security_group_id: integer(0, [0, 7999999]),
      security_group_entries: struct({ policy_rule: list(policyRuleType) }),
    },
    refs: {},
  },
  'virtual-machine': {
    parents: [],
    props: { server_type: string('virtual-server', ['virtual-server', 'baremetal-server', 'container']) },
    refs: {},
  },
  'virtual-machine-interface': {
    parents: ['project', 'virtual-machine', 'virtual-router'],
    props: {
      virtual_machine_interface_mac_addresses: struct({ mac_address: list(string()) }),
      virtual_machine_interface_device_owner: string(),
      virtual_machine_interface_bindings: keyValuePairs,
      virtual_machine_interface_properties: struct({
        service_interface_type: string(),
        interface_mirror: untyped,
        local_preference: integer(),
        sub_interface_vlan_tag: integer(),
        max_flows: integer(null, [0, 4294967296]),
      }),
      virtual_machine_interface_disable_policy: boolean(false),
      port_security_enabled: boolean(true),
      ecmp_hashing_include_fields: ecmpHashingIncludeFields,
    },
    refs: {
      'virtual-network': null,
      'security-group': null,
      'virtual-machine': null,
      'routing-instance': policyBasedForwardingRuleType,
    },
    collections: {
      ...annotationsMap,
      virtual_machine_interface_bindings: { kind: 'map', key: 'key' },
    },
  },
  'instance-ip': {
    parents: [],
    props: {
      instance_ip_address: ipAddress,
      instance_ip_family: ipFamily,
      instance_ip_mode: string(null, ['active-active', 'active-standby']),
      subnet_uuid: string(),
      instance_ip_secondary: boolean(false),
      instance_ip_local_ip: boolean(false),
      service_instance_ip: boolean(false),
      service_health_check_ip: boolean(false),
    },
    refs: {
      'virtual-network': null,
      'virtual-machine-interface': null,
      'network-ipam': null,
      'virtual-router': null,
    },
  },
  'floating-ip-pool': {
    parents: ['virtual-network'],
    props: { floating_ip_pool_subnets: struct({ subnet_uuid: list(string()) }) },
    refs: {},
  },
  'floating-ip': {
    parents: ['floating-ip-pool', 'instance-ip'],
    props: {
      floating_ip_address: ipAddress,
      floating_ip_is_virtual_ip: boolean(),
      floating_ip_fixed_ip_address: ipAddress,
      floating_ip_address_family: ipFamily,
      floating_ip_port_mappings_enable: boolean(false),
      floating_ip_port_mappings: struct({
        port_mappings: list(struct({ protocol: string(), src_port: integer(), dst_port: integer() })),
      }),
      floating_ip_traffic_direction: trafficDirection('both'),
    },
    refs: { project: null, 'virtual-machine-interface': null },
    collections: { ...annotationsMap, floating_ip_port_mappings: { kind: 'list' } },
  },
  'service-appliance-set': {
    parents: ['global-system-config'],
    props: {
      service_appliance_set_properties: keyValuePairs,
      service_appliance_driver: string(),
      service_appliance_ha_mode: string(),
    },
    refs: {},
  },
  'virtual-router': {
    parents: ['global-system-config'],
    props: {
      virtual_router_type: string(null, ['embedded', 'tor-agent', 'tor-service-node']),
      virtual_router_ip_address: ipAddress,
      virtual_router_dpdk_enabled: boolean(),
    },
    refs: { 'virtual-machine': null },
  },
  loadbalancer: {
    parents: ['project'],
    props: {
      loadbalancer_properties: struct({
        status: string(),
        provisioning_status: string(),
        operating_status: string(),
        vip_subnet_id: uuidString,
        vip_address: ipAddress,
        admin_state: boolean(true),
      }),
      loadbalancer_provider: string(),
    },
    refs: {
      'service-appliance-set': null,
      'virtual-machine-interface': null,
    },
  },
  'loadbalancer-listener': {
    parents: ['project'],
    props: {
      loadbalancer_listener_properties: struct({
        protocol: lbProtocol,
        protocol_port: integer(),
        admin_state: boolean(true),
        connection_limit: integer(),
        default_tls_container: string(),
        sni_containers: list(string()),
      }),
    },
    refs: { loadbalancer: null },
  },
  'loadbalancer-pool': {
    parents: ['project'],
    props: {
      loadbalancer_pool_properties: struct({
        status: string(),
        status_description: string(),
        admin_state: boolean(true),
        protocol: lbProtocol,
        loadbalancer_method: string(null, ['ROUND_ROBIN', 'LEAST_CONNECTIONS', 'SOURCE_IP']),
        subnet_id: uuidString,
        session_persistence: string(null, ['SOURCE_IP', 'HTTP_COOKIE', 'APP_COOKIE']),
        persistence_cookie_name: string(),
      }),
      loadbalancer_pool_provider: string(),
      loadbalancer_pool_custom_attributes: keyValuePairs,
    },
    refs: {
      'loadbalancer-listener': null,
      'loadbalancer-healthmonitor': null,
      'service-appliance-set': null,
      'virtual-machine-interface': null,
    },
  },
  'loadbalancer-member': {
    parents: ['loadbalancer-pool'],
    props: {
      loadbalancer_member_properties: struct({
        admin_state: boolean(true),
        status: string(),
        status_description: string(),
        protocol_port: integer(),
        weight: integer(1),
        address: ipAddress,
        subnet_id: uuidString,
      }),
    },
    refs: {},
  },
  'loadbalancer-healthmonitor': {
    parents: ['project'],
    props: {
      loadbalancer_healthmonitor_properties: struct({
        admin_state: boolean(true),
        monitor_type: string(null, ['PING', 'TCP', 'HTTP', 'HTTPS']),
        delay: integer(),
        timeout: integer(),
        max_retries: integer(),
        http_method: string(),
        url_path: string(),
        expected_codes: string(),
      }),
    },
    refs: {},
  },
};

/**
 * The element collections of a type: `annotations` (a map keyed by `key`) on every type, plus
 * the type's own ListProperty / MapProperty fields.
 */
export function collectionsOf(type: ObjectType): NonNullable<TypeSchema['collections']> {
  return SCHEMA[type].collections ?? annotationsMap;
}

export function isObjectType(value: string): value is ObjectType {
  return Object.prototype.hasOwnProperty.call(SCHEMA, value);
}

/** `loadbalancer-listener` → `loadbalancer_listener`: the spelling used inside JSON keys. */
export function underscored(type: ObjectType): string {
  return type.replace(/-/g, '_');
}

export const refField = (target: ObjectType): string => `${underscored(target)}_refs`;
export const backRefField = (source: ObjectType): string => `${underscored(source)}_back_refs`;
export const childField = (child: ObjectType): string => `${underscored(child)}s`;
/** The collection URL segment: `loadbalancer-listener` → `loadbalancer-listeners`. */
export const collectionName = (type: ObjectType): string => `${type}s`;

/** Child types of each type, derived from the parents table. */
export const CHILD_TYPES: Readonly<Record<ObjectType, readonly ObjectType[]>> = (() => {
  const out = Object.fromEntries(OBJECT_TYPES.map((t) => [t, [] as ObjectType[]])) as Record<
    ObjectType,
    ObjectType[]
  >;
  for (const type of OBJECT_TYPES) for (const parent of SCHEMA[type].parents) out[parent].push(type);
  return out;
})();

/** Types that hold a reference to each type (whose back-refs appear on it). */
export const REFERRING_TYPES: Readonly<Record<ObjectType, readonly ObjectType[]>> = (() => {
  const out = Object.fromEntries(OBJECT_TYPES.map((t) => [t, [] as ObjectType[]])) as Record<
    ObjectType,
    ObjectType[]
  >;
  for (const type of OBJECT_TYPES)
    for (const target of Object.keys(SCHEMA[type].refs) as ObjectType[]) out[target].push(type);
  return out;
})();

/** What kind of link a JSON key of a config object is, and to which type. */
export type LinkField =
  | { readonly kind: 'ref'; readonly type: ObjectType }
  | { readonly kind: 'back_ref'; readonly type: ObjectType }
  | { readonly kind: 'children'; readonly type: ObjectType };

const LINK_FIELDS: ReadonlyMap<string, LinkField> = new Map(
  OBJECT_TYPES.flatMap((type): [string, LinkField][] => [
    [refField(type), { kind: 'ref', type }],
    [backRefField(type), { kind: 'back_ref', type }],
    [childField(type), { kind: 'children', type }],
  ]),
);

export function linkField(key: string): LinkField | undefined {
  return LINK_FIELDS.get(key);
}

/** `loadbalancer_listener` or `loadbalancer-listener` → the type, as the API accepts both. */
export function parseTypeName(name: string): ObjectType | undefined {
  const hyphenated = name.replace(/_/g, '-');
  return isObjectType(hyphenated) ? hyphenated : undefined;
}
