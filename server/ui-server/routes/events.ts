// GET /api/events: a Server-Sent Events stream of config changes in the embedded store, so the
// SPA refreshes what changed instead of polling. Carries type, uuid and kind, never objects.

import type { FastifyPluginAsync } from 'fastify';
import type { ChangeEvent, ConfigStore } from '../../config-api/store.ts';

/** Changes are coalesced for this long before a frame is sent. */
const FLUSH_MS = 100;
const HEARTBEAT_MS = 15_000;
/** Past this many changes in one frame the client is told to refetch everything instead. */
const MAX_BATCH = 500;

export function eventRoutes(store: Pick<ConfigStore, 'subscribe'>): FastifyPluginAsync {
  return async (app) => {
    app.get('/', (req, reply) => {
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        'x-content-type-options': 'nosniff',
      });
      res.write('retry: 2000\n\n');
      let pending: { kind: ChangeEvent['kind']; type: string; uuid: string }[] = [];
      let overflowed = false;
      let timer: NodeJS.Timeout | undefined;
      const flush = () => {
        const data = overflowed ? { resync: true } : pending;
        timer = undefined;
        pending = [];
        overflowed = false;
        res.write(`event: config\ndata: ${JSON.stringify(data)}\n\n`);
      };
      const unsubscribe = store.subscribe((event) => {
        if (pending.length < MAX_BATCH)
          pending.push({ kind: event.kind, type: event.object.type, uuid: event.object.uuid });
        else overflowed = true;
        timer ??= setTimeout(flush, FLUSH_MS);
      });
      const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
      req.raw.on('close', () => {
        unsubscribe();
        clearInterval(heartbeat);
        if (timer) clearTimeout(timer);
      });
    });
  };
}
