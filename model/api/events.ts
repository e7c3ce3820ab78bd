// GET /api/events: the Server-Sent Events stream of config changes. The event names, each event's
// data, and the frame text, written by server/ui-server/routes/events.ts and read by
// web/app/live-updates.ts. Pure.

/** A change to one config object: enough to invalidate what shows it, never the object itself. */
export interface ConfigChange {
  kind: 'create' | 'update' | 'delete';
  type: string;
  uuid: string;
}

/** One `config` event: the changes of one batch, or "refetch everything" when too many to list. */
export type ConfigEventData = readonly ConfigChange[] | { resync: true };

/** The last event of a stream the server is closing: the browser should reconnect after `retryMs`. */
export interface ReconnectEventData {
  reason: 'shutdown';
  retryMs: number;
}

export const STREAM_EVENTS = { config: 'config', reconnect: 'reconnect' } as const;

/** How long the browser waits before reconnecting a dropped stream (the `retry:` field). */
export const STREAM_RETRY_MS = 2000;

export function isResync(data: ConfigEventData): data is { resync: true } {
  return !Array.isArray(data);
}

/** One SSE frame (`event:` + one `data:` line of JSON, blank-line terminated). */
export function eventFrame(event: 'config', data: ConfigEventData): string;
export function eventFrame(event: 'reconnect', data: ReconnectEventData): string;
export function eventFrame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** The stream's first bytes: the reconnection delay. */
export const retryFrame = (retryMs = STREAM_RETRY_MS): string => `retry: ${retryMs}\n\n`;

/** A comment line that keeps proxies from timing out an idle stream. */
export const HEARTBEAT_FRAME = ': keep-alive\n\n';
