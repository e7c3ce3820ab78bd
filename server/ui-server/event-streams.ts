// The UI server's open Server-Sent Events responses: takes a reply over, keeps it alive, counts it,
// and on close sends each a final `reconnect` event and ends it, so stopping the server never waits
// for open browser tabs. Knows nothing of what the events carry (routes/events.ts does).

import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  eventFrame,
  HEARTBEAT_FRAME,
  retryFrame,
  STREAM_EVENTS,
  STREAM_RETRY_MS,
} from '@model/api/events.ts';

/** A comment every so often keeps proxies and load balancers from timing out an idle stream. */
const HEARTBEAT_MS = 15_000;

declare module 'fastify' {
  interface FastifyInstance {
    /** The UI server's open SSE streams (decorated by app.ts), for routes that stream. */
    eventStreams: EventStreams;
  }
}

export interface EventStream {
  /** Writes one frame; a no-op once the stream has ended. */
  write(frame: string): void;
  /** Runs `listener` once when the stream ends, whoever ends it. */
  onEnd(listener: () => void): void;
}

export class EventStreams {
  private readonly streams = new Set<() => void>();
  private closing = false;

  get size(): number {
    return this.streams.size;
  }

  /** Takes `reply` over: 200, the SSE headers and the retry delay; the stream ends with the connection. */
  open(request: FastifyRequest, reply: FastifyReply): EventStream {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-content-type-options': 'nosniff',
      'x-request-id': String(request.id),
    });
    const endListeners: (() => void)[] = [];
    let ended = false;
    const write = (frame: string) => {
      if (!ended && !res.writableEnded) res.write(frame);
    };
    const heartbeat = setInterval(() => write(HEARTBEAT_FRAME), HEARTBEAT_MS);
    const finish = () => {
      if (ended) return;
      ended = true;
      clearInterval(heartbeat);
      this.streams.delete(shutdown);
      for (const listener of endListeners) listener();
    };
    const shutdown = () => {
      write(eventFrame(STREAM_EVENTS.reconnect, { reason: 'shutdown', retryMs: STREAM_RETRY_MS }));
      finish();
      res.end();
    };
    request.raw.on('close', finish);
    res.on('close', finish);
    if (this.closing) {
      shutdown();
    } else {
      this.streams.add(shutdown);
      write(retryFrame());
    }
    return { write, onEnd: (listener) => (ended ? listener() : endListeners.push(listener)) };
  }

  /** Ends every stream with a final `reconnect` event; streams opened from now on end at once. */
  closeAll(): void {
    this.closing = true;
    // Each shutdown removes itself; a Set iterates safely past deleted entries.
    for (const shutdown of this.streams) shutdown();
  }
}
