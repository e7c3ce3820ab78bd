// GET /api/events: a Server-Sent Events stream of config changes, so the SPA refreshes what changed
// instead of polling. Carries type, uuid and kind (model/api/events.ts), never objects. Reads any
// change feed of that shape; the stream itself (headers, keep-alive, shutdown) is event-streams.ts.

import type { FastifyPluginAsync } from 'fastify';
import { eventFrame, STREAM_EVENTS, type ConfigChange } from '@model/api/events.ts';

/** What the stream needs of a config store: a subscription to its changes. */
export interface ConfigChangeFeed {
  subscribe(
    listener: (event: { kind: ConfigChange['kind']; object: { type: string; uuid: string } }) => void,
  ): () => void;
}

/** Changes are coalesced for this long before a frame is sent. */
const FLUSH_MS = 100;
/** Past this many changes in one frame the client is told to refetch everything instead. */
const MAX_BATCH = 500;

export function eventRoutes(feed: ConfigChangeFeed): FastifyPluginAsync {
  return async (app) => {
    app.get('/', (req, reply) => {
      const stream = app.eventStreams.open(req, reply);
      let pending: ConfigChange[] = [];
      let overflowed = false;
      let timer: NodeJS.Timeout | undefined;
      const flush = () => {
        timer = undefined;
        stream.write(eventFrame(STREAM_EVENTS.config, overflowed ? { resync: true } : pending));
        pending = [];
        overflowed = false;
      };
      const unsubscribe = feed.subscribe((event) => {
        if (pending.length < MAX_BATCH)
          pending.push({ kind: event.kind, type: event.object.type, uuid: event.object.uuid });
        else overflowed = true;
        timer ??= setTimeout(flush, FLUSH_MS);
      });
      stream.onEnd(() => {
        unsubscribe();
        if (timer) clearTimeout(timer);
      });
    });
  };
}
