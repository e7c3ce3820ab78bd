// Which packet fields feed the agent's ECMP hash (`ecmp_hashing_include_fields`), in the agent's
// spellings (tf-controller src/vnsw/agent/oper/ecmp_load_balance.h) and the kernel's
// (tf-vrouter include/vr_nexthop.h NH_ECMP_CONFIG_HASH_*, printed by utils/nh.c). Pure.

/** EcmpLoadBalance::kHashingFields order: the bit index of each field in a field mask. */
export const HASH_FIELDS = [
  'l3-source-address',
  'l3-destination-address',
  'l4-protocol',
  'l4-source-port',
  'l4-destination-port',
] as const;

export type HashField = (typeof HASH_FIELDS)[number];

/** A set of hash fields as a 5-bit mask in EcmpLoadBalance order. */
export type HashFieldMask = number;

export const ALL_HASH_FIELDS: HashFieldMask = 0b11111;

export const SOURCE_IP = 1 << 0;
export const DESTINATION_IP = 1 << 1;
export const IP_PROTOCOL = 1 << 2;
export const SOURCE_PORT = 1 << 3;
export const DESTINATION_PORT = 1 << 4;

/** The VNC property (`EcmpHashingIncludeFields`, tf-api-client schema/vnc_cfg.xsd). */
export interface EcmpHashingIncludeFields {
  hashing_configured?: boolean;
  source_ip?: boolean;
  destination_ip?: boolean;
  ip_protocol?: boolean;
  source_port?: boolean;
  destination_port?: boolean;
}

/** An unset flag takes the xsd default, true. */
const on = (flag: boolean | undefined) => flag !== false;

/**
 * The mask a configured property selects, or undefined when the property is absent or
 * `hashing_configured` is not true (the agent then falls back to the next level). Unset flags
 * take the xsd defaults (true).
 */
export function maskOfConfig(value: unknown): HashFieldMask | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as EcmpHashingIncludeFields;
  if (v.hashing_configured !== true) return undefined;
  return (
    (on(v.source_ip) ? SOURCE_IP : 0) |
    (on(v.destination_ip) ? DESTINATION_IP : 0) |
    (on(v.ip_protocol) ? IP_PROTOCOL : 0) |
    (on(v.source_port) ? SOURCE_PORT : 0) |
    (on(v.destination_port) ? DESTINATION_PORT : 0)
  );
}

/** The field names of a mask, in EcmpLoadBalance order (`GetStringVector`). */
export function hashFieldNames(mask: HashFieldMask): HashField[] {
  return HASH_FIELDS.filter((_, i) => (mask & (1 << i)) !== 0);
}

/**
 * PathSandeshData.ecmp_hashing_fields: each name followed by a comma
 * (agent_path.cc AgentPath::SetSandeshData).
 */
export function pathHashingFieldsText(mask: HashFieldMask): string {
  return hashFieldNames(mask)
    .map((name) => `${name},`)
    .join('');
}

/** The mask a `ecmp_hashing_fields` text names (the inverse of pathHashingFieldsText). */
export function maskOfPathHashingFields(text: string): HashFieldMask {
  let mask = 0;
  for (const name of text.split(',')) {
    const i = (HASH_FIELDS as readonly string[]).indexOf(name.trim());
    if (i >= 0) mask |= 1 << i;
  }
  return mask;
}

// Kernel bits (vr_nexthop.h): PROTO 0x01, SRC_IP 0x02, SRC_PORT 0x04, DST_IP 0x08, DST_PORT 0x10,
// as nexthop_ksync.cc NHKSyncEntry::SetEcmpFieldsToUse maps them from the agent's mask.
export const NH_ECMP_CONFIG_HASH_PROTO = 0x01;
export const NH_ECMP_CONFIG_HASH_SRC_IP = 0x02;
export const NH_ECMP_CONFIG_HASH_SRC_PORT = 0x04;
export const NH_ECMP_CONFIG_HASH_DST_IP = 0x08;
export const NH_ECMP_CONFIG_HASH_DST_PORT = 0x10;

export function kernelHashConfig(mask: HashFieldMask): number {
  return (
    (mask & SOURCE_IP ? NH_ECMP_CONFIG_HASH_SRC_IP : 0) |
    (mask & DESTINATION_IP ? NH_ECMP_CONFIG_HASH_DST_IP : 0) |
    (mask & IP_PROTOCOL ? NH_ECMP_CONFIG_HASH_PROTO : 0) |
    (mask & SOURCE_PORT ? NH_ECMP_CONFIG_HASH_SRC_PORT : 0) |
    (mask & DESTINATION_PORT ? NH_ECMP_CONFIG_HASH_DST_PORT : 0)
  );
}
