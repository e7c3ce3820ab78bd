// Config API objects through the UI server's read-only proxy (/api/config/*): single objects, the
// root links, collections and fq_name/uuid lookups, as the VNC API returns them.

import { queryOptions } from '@tanstack/react-query';
import { configApi } from '@model/api/paths.ts';
import type { ConfigObject, ListEntry } from '@model/contrail/types.ts';
import { apiFetch, postJson } from './client.ts';

export interface RootLink {
  link: { rel: string; href: string; name: string; method: string | null };
}

export const configQueries = {
  all: () => ['config'] as const,
  object: (type: string, uuid: string) =>
    queryOptions({
      queryKey: [...configQueries.all(), 'object', type, uuid],
      queryFn: async () => {
        const body = await apiFetch<Record<string, ConfigObject>>(configApi.object.path({ type, uuid }));
        const inner = body[type];
        if (!inner) throw new Error(`the config API answer has no "${type}" key`);
        return inner;
      },
    }),
  links: () =>
    queryOptions({
      queryKey: [...configQueries.all(), 'links'],
      queryFn: () => apiFetch<{ href: string; links: RootLink[] }>(configApi.root.path()),
      staleTime: 5 * 60_000,
    }),
  list: (type: string) =>
    queryOptions({
      queryKey: [...configQueries.all(), 'list', type],
      queryFn: async () => {
        const body = await apiFetch<Record<string, ListEntry[]>>(configApi.collection(type));
        return body[`${type}s`] ?? [];
      },
    }),
  count: (type: string) =>
    queryOptions({
      queryKey: [...configQueries.all(), 'count', type],
      queryFn: async () => {
        const body = await apiFetch<Record<string, { count: number }>>(
          configApi.collection(type, { count: true }),
        );
        return body[`${type}s`]?.count ?? 0;
      },
    }),
  fqNameToId: (type: string, fqName: readonly string[]) =>
    queryOptions({
      queryKey: [...configQueries.all(), 'fqname-to-id', type, fqName.join(':')],
      queryFn: () => postJson<{ uuid: string }>(configApi.fqNameToId.path(), { type, fq_name: fqName }),
      retry: false,
    }),
  idToFqName: (uuid: string) =>
    queryOptions({
      queryKey: [...configQueries.all(), 'id-to-fqname', uuid],
      queryFn: () => postJson<{ fq_name: string[]; type: string }>(configApi.idToFqName.path(), { uuid }),
      retry: false,
    }),
};
