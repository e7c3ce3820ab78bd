// The msw server for component tests (node), started once per test file. Each test starts from
// fresh handlers: the cluster's handlers keep state (readiness, scale, a paused kube-manager).

import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { createHandlers } from './handlers.ts';

export const server = setupServer(...createHandlers());

export function useMswServer(): void {
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers(...createHandlers()));
  afterAll(() => server.close());
}
