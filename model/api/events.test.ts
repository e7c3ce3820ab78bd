import { describe, expect, it } from 'vitest';
import { eventFrame, HEARTBEAT_FRAME, isResync, retryFrame, STREAM_EVENTS } from './events.ts';

describe('SSE frames', () => {
  it('writes one event with one line of JSON data', () => {
    expect(eventFrame(STREAM_EVENTS.config, [{ kind: 'create', type: 'project', uuid: 'u' }])).toBe(
      'event: config\ndata: [{"kind":"create","type":"project","uuid":"u"}]\n\n',
    );
    expect(eventFrame(STREAM_EVENTS.reconnect, { reason: 'shutdown', retryMs: 2000 })).toBe(
      'event: reconnect\ndata: {"reason":"shutdown","retryMs":2000}\n\n',
    );
    expect(retryFrame(500)).toBe('retry: 500\n\n');
    expect(HEARTBEAT_FRAME.startsWith(':')).toBe(true);
  });

  it('tells a resync from a batch', () => {
    expect(isResync({ resync: true })).toBe(true);
    expect(isResync([])).toBe(false);
  });
});
