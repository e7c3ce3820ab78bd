// The one QueryClient factory: main.tsx makes the app's, tests make a fresh one without retries.

import { QueryClient } from '@tanstack/react-query';
import { ApiError } from '@web/api/client.ts';

export function createQueryClient(opts: { retry?: boolean } = {}): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 10_000,
        refetchOnWindowFocus: false,
        // 4xx answers (404 deleted, 401 bad token) will not change by retrying.
        retry:
          opts.retry === false
            ? false
            : (failures, error) =>
                !(error instanceof ApiError && error.status >= 400 && error.status < 500) && failures < 2,
      },
    },
  });
}
