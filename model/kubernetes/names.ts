// Kubernetes object name formats (apimachinery `validation.IsDNS1123Label` / `IsDNS1123Subdomain`)
// and the `<namespace>/<name>` key the UI and the simulation address pods by. Pure.

/** `IsDNS1123Label`: lower-case alphanumerics and `-`, at most 63, starting and ending alphanumeric. */
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const DNS1123_LABEL_MAX = 63;
/** `IsDNS1123Subdomain`: dot-separated labels, at most 253. */
export const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
export const DNS1123_SUBDOMAIN_MAX = 253;

export function isDnsLabel(text: string): boolean {
  return text.length <= DNS1123_LABEL_MAX && DNS1123_LABEL.test(text);
}

export function isDnsSubdomain(text: string): boolean {
  return text.length <= DNS1123_SUBDOMAIN_MAX && DNS1123_SUBDOMAIN.test(text);
}

/** `<namespace>/<pod>` with a label namespace and a subdomain pod name, or null. */
export function parseObjectKey(key: string): { namespace: string; name: string } | null {
  const slash = key.indexOf('/');
  if (slash < 0) return null;
  const namespace = key.slice(0, slash);
  const name = key.slice(slash + 1);
  return isDnsLabel(namespace) && isDnsSubdomain(name) ? { namespace, name } : null;
}
