// Request paths of the resource API: /api/v1/... and /apis/<group>/<version>/..., as the API
// server's RequestInfoResolver splits them (namespace, resource, name, subresource). Pure.

import { API_RESOURCES, type ApiResource } from '@model/kubernetes/resources.ts';

export interface ResourceRequest {
  readonly resource: ApiResource;
  readonly namespace?: string | undefined;
  readonly name?: string | undefined;
  readonly subresource?: 'status' | 'scale' | undefined;
}

/** group/version → plural → resource; Maps, so `constructor` is just not found. */
const BY_GV = new Map<string, Map<string, ApiResource>>();
for (const r of API_RESOURCES) {
  const key = r.group === '' ? `api/${r.version}` : `apis/${r.group}/${r.version}`;
  if (!BY_GV.has(key)) BY_GV.set(key, new Map());
  BY_GV.get(key)!.set(r.plural, r);
}

const sub = (s: string | undefined) => (s === 'status' || s === 'scale' ? s : undefined);

function make(
  resource: ApiResource | undefined,
  namespace: string | undefined,
  name: string | undefined,
  subresource: string | undefined,
): ResourceRequest | undefined {
  if (!resource) return undefined;
  const which = sub(subresource);
  if (subresource !== undefined && (!which || !resource.subresources.includes(which))) return undefined;
  return { resource, namespace, name, subresource: which };
}

/**
 * `segments` are the decoded path parts after the leading slash. Undefined when the path names
 * no resource we serve (the caller answers 404).
 */
export function resolveResourcePath(segments: readonly string[]): ResourceRequest | undefined {
  const prefixLength = segments[0] === 'api' ? 2 : segments[0] === 'apis' ? 3 : 0;
  if (prefixLength === 0 || segments.length <= prefixLength) return undefined;
  const table = BY_GV.get(segments.slice(0, prefixLength).join('/'));
  if (!table) return undefined;
  const rest = segments.slice(prefixLength);
  if (rest[0] === 'namespaces' && rest.length >= 3 && table.get(rest[2]!)?.namespaced) {
    if (rest.length > 5) return undefined;
    return make(table.get(rest[2]!), rest[1], rest[3], rest[4]);
  }
  if (rest.length > 3) return undefined;
  const resource = table.get(rest[0]!);
  if (resource?.namespaced && rest.length > 1) return undefined;
  return make(resource, undefined, rest[1], rest[2]);
}
