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

/** A property or a field of a property struct, with what an unset value renders as. */
export type FieldSpec =
  | { readonly kind: 'scalar'; readonly default?: string | number | boolean | null }
  | { readonly kind: 'list' }
  | { readonly kind: 'struct'; readonly fields: Readonly<Record<string, FieldSpec>> };

export interface TypeSchema {
  /** Allowed parent types; empty for objects under config-root. */
  readonly parents: readonly ObjectType[];
  readonly props: Readonly<Record<string, FieldSpec>>;
  /** Reference target types; `true` when the link carries an attribute. */
  readonly refs: Readonly<Partial<Record<ObjectType, boolean>>>;
}

const scalar = (dflt: string | number | boolean | null = null): FieldSpec => ({
  kind: 'scalar',
  default: dflt,
});
const list: FieldSpec = { kind: 'list' };
const struct = (fields: Record<string, FieldSpec>): FieldSpec => ({ kind: 'struct', fields });

const keyValuePairs = struct({ key_value_pair: list });
const idPermsOnly = {};
const ecmpHashingIncludeFields = struct({
  hashing_configured: scalar(false),
  source_ip: scalar(true),
  destination_ip: scalar(true),
  ip_protocol: scalar(true),
  source_port: scalar(true),
  destination_port: scalar(true),
});

export const SCHEMA: Readonly<Record<ObjectType, TypeSchema>> = {
  domain: {
    parents: [],
    props: {
      domain_limits: struct({
        project_limit: scalar(),
        virtual_network_limit: scalar(),
        security_group_limit: scalar(),
      }),
    },
    refs: idPermsOnly,
  },
  project: {
    parents: ['domain'],
    props: {
      quota: struct({
        defaults: scalar(),
        virtual_network: scalar(),
        virtual_machine_interface: scalar(),
        loadbalancer: scalar(),
        loadbalancer_pool: scalar(),
        loadbalancer_member: scalar(),
        floating_ip: scalar(),
        instance_ip: scalar(),
        security_group: scalar(),
      }),
      vxlan_routing: scalar(false),
      alarm_enable: scalar(false),
      enable_security_policy_draft: scalar(false),
    },
    refs: {},
  },
  'global-system-config': {
    parents: [],
    props: {
      autonomous_system: scalar(),
      config_version: scalar(),
      ibgp_auto_mesh: scalar(true),
      ip_fabric_subnets: struct({ subnet: list }),
    },
    refs: {},
  },
  // tf-api-client schema/yaml/global-vrouter-config-schema.yml: the vRouters' global settings,
  // among them the ECMP hash fields every agent falls back to.
  'global-vrouter-config': {
    parents: ['global-system-config'],
    props: {
      ecmp_hashing_include_fields: ecmpHashingIncludeFields,
      enable_security_logging: scalar(true),
      encapsulation_priorities: struct({ encapsulation: list }),
      flow_export_rate: scalar(),
      forwarding_mode: scalar(),
      linklocal_services: struct({ linklocal_service_entry: list }),
      vxlan_network_identifier_mode: scalar(),
    },
    refs: {},
  },
  'virtual-network': {
    parents: ['project'],
    props: {
      virtual_network_properties: struct({
        allow_transit: scalar(),
        network_id: scalar(),
        vxlan_network_identifier: scalar(),
        forwarding_mode: scalar(),
        rpf: scalar(),
        mirror_destination: scalar(false),
        max_flows: scalar(0),
      }),
      virtual_network_network_id: scalar(),
      ecmp_hashing_include_fields: ecmpHashingIncludeFields,
      address_allocation_mode: scalar(),
      router_external: scalar(false),
      is_shared: scalar(false),
      flood_unknown_unicast: scalar(false),
      fabric_snat: scalar(false),
      port_security_enabled: scalar(true),
    },
    refs: { 'network-ipam': true },
  },
  'network-ipam': {
    parents: ['project'],
    props: {
      network_ipam_mgmt: struct({
        ipam_method: scalar(),
        ipam_dns_method: scalar(),
        ipam_dns_server: scalar(),
        dhcp_option_list: scalar(),
        host_routes: scalar(),
        cidr_block: scalar(),
      }),
      ipam_subnets: struct({ subnets: list }),
      ipam_subnet_method: scalar(),
      ipam_subnetting: scalar(false),
    },
    refs: {},
  },
  'routing-instance': {
    parents: ['virtual-network'],
    props: {
      routing_instance_is_default: scalar(false),
      routing_instance_has_pnf: scalar(false),
      routing_instance_fabric_snat: scalar(false),
      default_ce_protocol: scalar(),
    },
    refs: {},
  },
  'security-group': {
    parents: ['project'],
    props: {
      security_group_id: scalar(),
      configured_security_group_id: scalar(0),
      security_group_entries: struct({ policy_rule: list }),
    },
    refs: {},
  },
  'virtual-machine': {
    parents: [],
    props: { server_type: scalar() },
    refs: {},
  },
  'virtual-machine-interface': {
    parents: ['project', 'virtual-machine', 'virtual-router'],
    props: {
      virtual_machine_interface_mac_addresses: struct({ mac_address: list }),
      virtual_machine_interface_device_owner: scalar(),
      virtual_machine_interface_bindings: keyValuePairs,
      virtual_machine_interface_properties: struct({
        service_interface_type: scalar(),
        sub_interface_vlan_tag: scalar(),
        local_preference: scalar(),
        interface_mirror: scalar(),
      }),
      virtual_machine_interface_disable_policy: scalar(false),
      port_security_enabled: scalar(true),
      ecmp_hashing_include_fields: ecmpHashingIncludeFields,
    },
    refs: {
      'virtual-network': false,
      'security-group': false,
      'virtual-machine': false,
      'routing-instance': true,
    },
  },
  'instance-ip': {
    parents: [],
    props: {
      instance_ip_address: scalar(),
      instance_ip_family: scalar(),
      instance_ip_mode: scalar(),
      subnet_uuid: scalar(),
      instance_ip_secondary: scalar(false),
      instance_ip_local_ip: scalar(false),
      service_instance_ip: scalar(false),
      service_health_check_ip: scalar(false),
    },
    refs: {
      'virtual-network': false,
      'virtual-machine-interface': false,
      'network-ipam': false,
      'virtual-router': false,
    },
  },
  'floating-ip-pool': {
    parents: ['virtual-network'],
    props: { floating_ip_pool_subnets: struct({ subnet_uuid: list }) },
    refs: {},
  },
  'floating-ip': {
    parents: ['floating-ip-pool', 'instance-ip'],
    props: {
      floating_ip_address: scalar(),
      floating_ip_is_virtual_ip: scalar(false),
      floating_ip_fixed_ip_address: scalar(),
      floating_ip_address_family: scalar(),
      floating_ip_port_mappings_enable: scalar(false),
      floating_ip_port_mappings: struct({ port_mappings: list }),
      floating_ip_traffic_direction: scalar('both'),
    },
    refs: { project: false, 'virtual-machine-interface': false },
  },
  'service-appliance-set': {
    parents: ['global-system-config'],
    props: {
      service_appliance_set_properties: keyValuePairs,
      service_appliance_driver: scalar(),
      service_appliance_ha_mode: scalar(),
    },
    refs: {},
  },
  'virtual-router': {
    parents: ['global-system-config'],
    props: {
      virtual_router_type: scalar(),
      virtual_router_ip_address: scalar(),
      virtual_router_dpdk_enabled: scalar(false),
    },
    refs: { 'virtual-machine': false },
  },
  loadbalancer: {
    parents: ['project'],
    props: {
      loadbalancer_properties: struct({
        status: scalar(),
        provisioning_status: scalar(),
        operating_status: scalar(),
        vip_subnet_id: scalar(),
        vip_address: scalar(),
        admin_state: scalar(true),
      }),
      loadbalancer_provider: scalar(),
    },
    refs: {
      'service-appliance-set': false,
      'virtual-machine-interface': false,
    },
  },
  'loadbalancer-listener': {
    parents: ['project'],
    props: {
      loadbalancer_listener_properties: struct({
        protocol: scalar(),
        protocol_port: scalar(),
        admin_state: scalar(true),
        connection_limit: scalar(),
        default_tls_container: scalar(),
        sni_containers: list,
      }),
    },
    refs: { loadbalancer: false },
  },
  'loadbalancer-pool': {
    parents: ['project'],
    props: {
      loadbalancer_pool_properties: struct({
        status: scalar(),
        status_description: scalar(),
        admin_state: scalar(true),
        protocol: scalar(),
        loadbalancer_method: scalar(),
        subnet_id: scalar(),
        session_persistence: scalar(),
        persistence_cookie_name: scalar(),
      }),
      loadbalancer_pool_provider: scalar(),
      loadbalancer_pool_custom_attributes: keyValuePairs,
    },
    refs: {
      'loadbalancer-listener': false,
      'loadbalancer-healthmonitor': false,
      'service-appliance-set': false,
      'virtual-machine-interface': false,
    },
  },
  'loadbalancer-member': {
    parents: ['loadbalancer-pool'],
    props: {
      loadbalancer_member_properties: struct({
        admin_state: scalar(true),
        status: scalar(),
        status_description: scalar(),
        protocol_port: scalar(),
        weight: scalar(1),
        address: scalar(),
        subnet_id: scalar(),
      }),
    },
    refs: {},
  },
  'loadbalancer-healthmonitor': {
    parents: ['project'],
    props: {
      loadbalancer_healthmonitor_properties: struct({
        admin_state: scalar(true),
        monitor_type: scalar(),
        delay: scalar(),
        timeout: scalar(),
        max_retries: scalar(),
        http_method: scalar(),
        url_path: scalar(),
        expected_codes: scalar(),
      }),
    },
    refs: {},
  },
};

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
