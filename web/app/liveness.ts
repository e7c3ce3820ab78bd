// Whether what the page shows is current: a pure state machine fed by the event stream and by
// request outcomes, so the header indicator and the page banner never claim "Live" while the
// server is gone. Times are passed in; nothing here reads a clock or touches the network.

import type { Liveness } from '@web/components/connection.ts';

/** How the page learns about changes: the SSE stream (embedded mode) or polling (a real cluster). */
type LiveMode = 'unknown' | 'events' | 'polling';

/**
 * What a request reached: the UI server only, or through it the config API. An answer from the
 * UI server says nothing about a config API it could not reach.
 */
export type FetchScope = 'server' | 'config-api';

export interface LiveState {
  mode: LiveMode;
  /** The event stream: not started, opening, open, dropped (the browser retries it). */
  stream: 'idle' | 'connecting' | 'open' | 'down';
  /** A request that failed for want of a connection, with nothing succeeding since. */
  failure: { scope: FetchScope; reason: string; detail: string } | null;
  /** The last moment the data on screen is known to have been current. */
  lastCurrentAt: number | null;
}

export type LiveEvent =
  | { type: 'mode'; mode: Exclude<LiveMode, 'unknown'> }
  | { type: 'stream-open'; at: number }
  /** `closed`: the browser gave up on the stream (a non-SSE answer); the page polls from then on. */
  | { type: 'stream-error'; at: number; closed: boolean }
  | { type: 'fetch-ok'; at: number; scope: FetchScope }
  | { type: 'fetch-failed'; at: number; scope: FetchScope; reason: string; detail: string };

export const initialLiveState: LiveState = {
  mode: 'unknown',
  stream: 'idle',
  failure: null,
  lastCurrentAt: null,
};

const STREAM_DOWN = {
  reason: 'The live update stream from the UI server was interrupted',
  detail: 'Changes made meanwhile are not shown; reconnecting.',
};

/** true connected, false disconnected, null not known yet. */
export function isConnected(state: LiveState): boolean | null {
  if (state.failure) return false;
  switch (state.mode) {
    case 'unknown':
      return null;
    case 'polling':
      return state.lastCurrentAt === null ? null : true;
    case 'events':
      return state.stream === 'open' ? true : state.stream === 'down' ? false : null;
  }
}

export function liveness(state: LiveState): Liveness {
  const connected = isConnected(state);
  if (connected === null) return { status: 'connecting' };
  if (connected) return { status: 'live', via: state.mode === 'events' ? 'events' : 'polling' };
  const why = state.failure ?? STREAM_DOWN;
  return { status: 'disconnected', dataAsOf: state.lastCurrentAt, reason: why.reason, detail: why.detail };
}

export function reduceLiveState(state: LiveState, event: LiveEvent): LiveState {
  const wasConnected = isConnected(state) === true;
  switch (event.type) {
    case 'mode':
      return state.mode === event.mode
        ? state
        : { ...state, mode: event.mode, stream: event.mode === 'events' ? 'connecting' : 'idle' };
    case 'stream-open':
      // The stream reaches the server, so whatever failed before has a path again.
      return { ...state, stream: 'open', failure: null, lastCurrentAt: event.at };
    case 'stream-error': {
      if (state.mode !== 'events') return state;
      // While the stream was open every change arrived: the data was current until now.
      const lastCurrentAt = wasConnected ? event.at : state.lastCurrentAt;
      return event.closed
        ? { ...state, mode: 'polling', stream: 'idle', lastCurrentAt }
        : { ...state, stream: 'down', lastCurrentAt };
    }
    case 'fetch-ok':
      // With the stream down a successful request proves little: changes may still be missed.
      if (state.mode === 'events' && state.stream !== 'open') return state;
      if (state.failure?.scope === 'config-api' && event.scope !== 'config-api') return state;
      return { ...state, failure: null, lastCurrentAt: event.at };
    case 'fetch-failed': {
      const same = state.failure?.reason === event.reason && state.failure.detail === event.detail;
      // Polling keeps failing while the server is away: nothing new to show for it.
      if (same) return state;
      return {
        ...state,
        failure: { scope: event.scope, reason: event.reason, detail: event.detail },
        lastCurrentAt: wasConnected && state.mode === 'events' ? event.at : state.lastCurrentAt,
      };
    }
  }
}

/** `hh:mm` in local time, 24-hour, for "data as of". */
export function formatClock(ms: number): string {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}
