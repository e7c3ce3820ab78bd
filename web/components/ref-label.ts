// The short, useful part of a referenced object's name for compact ref chips: `TCP:8888` for a
// kube-manager listener or pool (`<svc>-TCP-8888-<uuid>`), the name without its uuid suffix otherwise.

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const UUID_SUFFIX = new RegExp(`(?:__|-|_)${UUID}$`, 'i');
const ONLY_UUID = new RegExp(`^${UUID}$`, 'i');
const PROTOCOL_PORT = /-(TCP|UDP|HTTP|HTTPS|TERMINATED_HTTPS)-(\d+)$/;

export function refLabel(type: string, fqName: readonly string[], uuid: string): string {
  const last = fqName[fqName.length - 1] ?? '';
  if (last === '' || ONLY_UUID.test(last)) return uuid;
  const name = last.replace(UUID_SUFFIX, '') || last;
  if (type === 'loadbalancer-listener' || type === 'loadbalancer-pool') {
    const m = PROTOCOL_PORT.exec(name);
    if (m) return `${m[1]}:${m[2]}`;
  }
  return name;
}
