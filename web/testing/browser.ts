// `npm run dev:mock`: the fixture handlers in a service worker, so the SPA runs with no server.

import { setupWorker } from 'msw/browser';
import { buildFixtures } from './fixtures.ts';
import { createHandlers } from './handlers.ts';

export async function startMockWorker(): Promise<void> {
  const worker = setupWorker(...createHandlers(buildFixtures(undefined, 500)));
  await worker.start({ onUnhandledRequest: 'bypass', quiet: true });
}
