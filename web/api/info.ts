// GET /api/info: where the UI server reads its config objects from (embedded or a real cluster).

import { queryOptions } from '@tanstack/react-query';
import { apiFetch } from './client.ts';

export interface ServerInfo {
  mode?: string;
  scenario?: string;
  configApi?: { url: string; auth?: string };
}

export const infoQueries = {
  all: () => ['info'] as const,
  detail: () =>
    queryOptions({
      queryKey: [...infoQueries.all()],
      queryFn: () => apiFetch<ServerInfo>('/info'),
      staleTime: Infinity,
    }),
};
