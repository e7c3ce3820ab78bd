import { describe, expect, it } from 'vitest';
import {
  formatClock,
  initialLiveState,
  isConnected,
  liveness,
  reduceLiveState,
  type LiveEvent,
  type LiveState,
} from './liveness.ts';

const T0 = new Date(2026, 0, 2, 14, 5, 30).getTime();
const MIN = 60_000;
const run = (events: LiveEvent[], from: LiveState = initialLiveState) => events.reduce(reduceLiveState, from);
const down = { reason: 'The UI server is unreachable', detail: 'Failed to fetch' };
const serverDown = { scope: 'server', ...down } as const;

describe('liveness with the event stream', () => {
  const live = run([
    { type: 'mode', mode: 'events' },
    { type: 'stream-open', at: T0 },
  ]);

  it('is connecting until the stream opens, then live', () => {
    expect(liveness(run([{ type: 'mode', mode: 'events' }]))).toEqual({ status: 'connecting' });
    expect(liveness(live)).toEqual({ status: 'live', via: 'events' });
  });

  it('says disconnected as soon as the stream drops, with the data as of the drop', () => {
    const dropped = run([{ type: 'stream-error', at: T0 + 10 * MIN, closed: false }], live);
    expect(liveness(dropped)).toMatchObject({ status: 'disconnected', dataAsOf: T0 + 10 * MIN });
    // Further failures while away do not move "as of" forward.
    const later = run([{ type: 'fetch-failed', at: T0 + 12 * MIN, ...serverDown }], dropped);
    expect(liveness(later)).toEqual({ status: 'disconnected', dataAsOf: T0 + 10 * MIN, ...down });
    // A request that happens to succeed proves nothing while changes cannot arrive.
    expect(isConnected(run([{ type: 'fetch-ok', at: T0 + 13 * MIN, scope: 'server' }], dropped))).toBe(false);
    // The stream back: live again.
    expect(liveness(run([{ type: 'stream-open', at: T0 + 14 * MIN }], later))).toEqual({
      status: 'live',
      via: 'events',
    });
  });

  it('trusts a request that cannot reach the server over a stream that has not noticed yet', () => {
    const failed = run([{ type: 'fetch-failed', at: T0 + MIN, ...serverDown }], live);
    expect(liveness(failed)).toEqual({ status: 'disconnected', dataAsOf: T0 + MIN, ...down });
    expect(isConnected(run([{ type: 'fetch-ok', at: T0 + 2 * MIN, scope: 'server' }], failed))).toBe(true);
  });

  it('polls when the browser gives up on the stream', () => {
    const closed = run([{ type: 'stream-error', at: T0 + MIN, closed: true }], live);
    expect(closed.mode).toBe('polling');
    expect(liveness(closed)).toEqual({ status: 'live', via: 'polling' });
  });

  it('keeps the same state for a repeated failure, so nothing re-renders for it', () => {
    const failed = run([{ type: 'fetch-failed', at: T0 + MIN, ...serverDown }], live);
    expect(reduceLiveState(failed, { type: 'fetch-failed', at: T0 + 2 * MIN, ...serverDown })).toBe(failed);
  });
});

describe('liveness while polling a real cluster', () => {
  const polling = run([
    { type: 'mode', mode: 'polling' },
    { type: 'fetch-ok', at: T0, scope: 'config-api' },
  ]);

  it('is live after an answer, and disconnected with the last answer as "as of" when requests fail', () => {
    expect(liveness(polling)).toEqual({ status: 'live', via: 'polling' });
    const upstream = {
      reason: 'The config API is unreachable (502)',
      detail: 'config API http://10.0.0.1:8082 is unreachable: ECONNREFUSED',
    };
    const failed = run(
      [{ type: 'fetch-failed', at: T0 + 15 * MIN, scope: 'config-api', ...upstream }],
      polling,
    );
    expect(liveness(failed)).toEqual({ status: 'disconnected', dataAsOf: T0, ...upstream });
    // The UI server answering (e.g. /api/info) does not bring the config API back.
    expect(run([{ type: 'fetch-ok', at: T0 + 16 * MIN, scope: 'server' }], failed)).toBe(failed);
    expect(liveness(run([{ type: 'fetch-ok', at: T0 + 16 * MIN, scope: 'config-api' }], failed))).toEqual({
      status: 'live',
      via: 'polling',
    });
  });

  it('ignores stream events', () => {
    expect(run([{ type: 'stream-error', at: T0, closed: false }], polling)).toBe(polling);
  });
});

describe('liveness before the server has answered anything', () => {
  it('is disconnected with nothing loaded when the first request fails', () => {
    const state = run([{ type: 'fetch-failed', at: T0, ...serverDown }]);
    expect(liveness(state)).toEqual({ status: 'disconnected', dataAsOf: null, ...down });
  });
});

describe('formatClock', () => {
  it('prints local hh:mm on a 24-hour clock', () => {
    expect(formatClock(T0)).toBe('14:05');
    expect(formatClock(new Date(2026, 0, 2, 9, 7).getTime())).toBe('09:07');
  });
});
