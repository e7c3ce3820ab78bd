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

/** One entry of a non-detail collection listing. */
export interface ListEntry {
  href?: string;
  fq_name: string[];
  uuid: string;
  [field: string]: unknown;
}
