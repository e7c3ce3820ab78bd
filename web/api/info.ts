// GET /api/info: where the UI server reads its data from (embedded or a real cluster) and which
// controls it offers there (capabilities).

import { queryOptions } from '@tanstack/react-query';
import type { ServerInfo } from '@model/api/info.ts';
import { serverApi } from '@model/api/paths.ts';
import { apiFetch } from './client.ts';

export const infoQueries = {
  all: () => ['info'] as const,
  detail: () =>
    queryOptions({
      queryKey: [...infoQueries.all()],
      queryFn: () => apiFetch<ServerInfo>(serverApi.info.path()),
      staleTime: Infinity,
    }),
};
