// Name and value conventions Contrail's own code defines and that several of our layers read or
// write: kube-manager's name joins, the LB port's device owner, the API server's MAC rule. The one
// home for each; pure string functions.

/** `virtual_machine_interface_device_owner` of a Service's LB port (`loadbalancer.py`). */
export const LB_DEVICE_OWNER = 'K8S:LOADBALANCER';

/** `VncCommon.make_name` (`vnc_common.py`): parts joined with a double underscore. */
export const makeName = (...parts: string[]): string => parts.join('__');

/** The parts of a `makeName` name (Kubernetes names never contain `__`, so the split is exact). */
export const nameParts = (name: string): string[] => name.split('__');

/** A pod's virtual-machine name, `<cluster>__<namespace>__<pod>` (`vnc_pod.py`). */
export const podVmName = (cluster: string, namespace: string, pod: string): string =>
  makeName(cluster, namespace, pod);

/**
 * `<namespace>/<pod>` from a pod VM name `<cluster>__<namespace>__<pod>`, or null for any other
 * name. Kubernetes names never contain `__`, so the split is unambiguous.
 */
export function podKeyOfVmName(vmName: string): string | null {
  const parts = vmName.split('__');
  return parts.length === 3 && parts.every((p) => p !== '') ? `${parts[1]}/${parts[2]}` : null;
}

/** The API server's MAC rule (`vnc_addr_mgmt.py` `mac_alloc`): `02:` + uuid chars 0-7 and 9-10. */
export function macFromUuid(uuid: string): string {
  return `02:${uuid.slice(0, 2)}:${uuid.slice(2, 4)}:${uuid.slice(4, 6)}:${uuid.slice(6, 8)}:${uuid.slice(9, 11)}`;
}

/**
 * The Service of a load balancer from its display name, `make_display_name(namespace, service)`
 * (`vnc_common.py`, used by `loadbalancer.py`); null for a display name of another shape.
 */
export function serviceOfLbDisplayName(displayName: string): { namespace: string; name: string } | null {
  const parts = displayName.split('__');
  return parts.length === 2 && parts.every((p) => p !== '')
    ? { namespace: parts[0]!, name: parts[1]! }
    : null;
}
