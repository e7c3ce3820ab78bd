// JSON shapes of Contrail config objects as the VNC API server renders them (GET /<type>/<uuid>).
// Keys are spelled exactly as the API spells them.

import type { ObjectType } from './schema.ts';

export interface KeyValuePair {
  key: string;
  value: string;
}

export interface KeyValuePairs {
  key_value_pair: KeyValuePair[];
}

export interface Ref<A = unknown> {
  to: string[];
  attr: A | null;
  uuid: string;
  href?: string;
}

export interface ChildLink {
  to: string[];
  uuid: string;
  href?: string;
}

export interface PermType {
  owner: string;
  owner_access: number;
  group: string;
  group_access: number;
  other_access: number;
}

export interface IdPerms {
  /** Two unsigned 64-bit halves of the uuid; exact integers in the JSON text (may exceed 2^53). */
  uuid: { uuid_mslong: number | bigint | string; uuid_lslong: number | bigint | string };
  enable: boolean;
  created: string;
  last_modified: string;
  description: string | null;
  creator: string | null;
  user_visible: boolean;
  permissions: PermType;
}

export interface Perms2 {
  owner: string;
  owner_access: number;
  global_access: number;
  share: { tenant: string; tenant_access: number }[];
}

/** The envelope every object carries, plus its type-specific keys. */
export interface ConfigObject {
  uuid: string;
  name: string;
  fq_name: string[];
  parent_type?: ObjectType;
  parent_uuid?: string;
  parent_href?: string;
  href?: string;
  display_name: string;
  id_perms: IdPerms;
  perms2: Perms2;
  annotations: KeyValuePairs | null;
  [key: string]: unknown;
}

export interface LoadbalancerType {
  status: string | null;
  provisioning_status: string | null;
  operating_status: string | null;
  vip_subnet_id: string | null;
  vip_address: string | null;
  admin_state: boolean;
}

export interface LoadbalancerListenerType {
  protocol: string | null;
  protocol_port: number | null;
  admin_state: boolean;
  connection_limit: number | null;
  default_tls_container: string | null;
  sni_containers: string[];
}

export interface LoadbalancerPoolType {
  status: string | null;
  status_description: string | null;
  admin_state: boolean;
  protocol: string | null;
  loadbalancer_method: string | null;
  subnet_id: string | null;
  session_persistence: string | null;
  persistence_cookie_name: string | null;
}

export interface LoadbalancerMemberType {
  admin_state: boolean;
  status: string | null;
  status_description: string | null;
  protocol_port: number | null;
  weight: number;
  address: string | null;
  subnet_id: string | null;
}

export interface PortMap {
  protocol: string;
  src_port: number;
  dst_port: number;
}

export interface Loadbalancer extends ConfigObject {
  loadbalancer_properties: LoadbalancerType | null;
  loadbalancer_provider: string | null;
  service_appliance_set_refs?: Ref<null>[];
  virtual_machine_interface_refs?: Ref<null>[];
  loadbalancer_listener_back_refs?: Ref<null>[];
}

export interface LoadbalancerListener extends ConfigObject {
  loadbalancer_listener_properties: LoadbalancerListenerType | null;
  loadbalancer_refs?: Ref<null>[];
  loadbalancer_pool_back_refs?: Ref<null>[];
}

export interface LoadbalancerPool extends ConfigObject {
  loadbalancer_pool_properties: LoadbalancerPoolType | null;
  loadbalancer_listener_refs?: Ref<null>[];
  loadbalancer_members?: ChildLink[];
}

export interface LoadbalancerMember extends ConfigObject {
  loadbalancer_member_properties: LoadbalancerMemberType | null;
}

/** One entry of a non-detail collection listing. */
export interface ListEntry {
  href?: string;
  fq_name: string[];
  uuid: string;
  [field: string]: unknown;
}
