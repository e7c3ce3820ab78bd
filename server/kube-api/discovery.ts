// Discovery documents (staging/src/k8s.io/apiserver/pkg/endpoints/discovery): /api (APIVersions),
// /apis (APIGroupList), /apis/<group> (APIGroup) and each group-version's APIResourceList, from
// the one resource table in model/kubernetes/resources.ts. kubectl first asks for the aggregated
// form (apidiscovery.k8s.io/v2) and accepts these legacy documents when that is not served.

import { API_RESOURCES, groupVersion, type ApiResource } from '@model/kubernetes/resources.ts';

const READ_VERBS = ['get', 'list', 'watch'];
const ALL_VERBS = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];

export function apiVersions(serverAddress: string) {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

const GROUPS = [...new Set(API_RESOURCES.filter((r) => r.group !== '').map((r) => r.group))];

function apiGroup(group: string) {
  const version = API_RESOURCES.find((r) => r.group === group)!.version;
  const gv = { groupVersion: `${group}/${version}`, version };
  return { name: group, versions: [gv], preferredVersion: gv };
}

export function apiGroupList() {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: GROUPS.map(apiGroup) };
}

export function apiGroupDocument(group: string) {
  return GROUPS.includes(group) ? { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(group) } : undefined;
}

function entries(r: ApiResource) {
  const main = {
    name: r.plural,
    singularName: r.singular,
    namespaced: r.namespaced,
    kind: r.kind,
    verbs: r.readOnly ? READ_VERBS : ALL_VERBS,
    ...(r.shortNames.length > 0 ? { shortNames: r.shortNames } : {}),
    ...(r.categories ? { categories: r.categories } : {}),
  };
  const subs = r.subresources.map((sub) => ({
    name: `${r.plural}/${sub}`,
    singularName: '',
    namespaced: r.namespaced,
    ...(sub === 'scale' ? { group: 'autoscaling', version: 'v1', kind: 'Scale' } : { kind: r.kind }),
    verbs: ['get', 'patch', 'update'],
  }));
  return [main, ...subs];
}

/** The APIResourceList of `v1` or `<group>/<version>`, or undefined when we serve no such one. */
export function apiResourceList(gv: string) {
  const resources = API_RESOURCES.filter((r) => groupVersion(r) === gv);
  if (resources.length === 0) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: gv,
    resources: resources.flatMap(entries),
  };
}
