// What screens need to know about the connection to the UI server: whether the page is live or
// disconnected (the app shell decides, see web/app/live-updates.ts), and which errors are a lost
// connection rather than an answer. Screens read it to keep stale data up and disable forms.

import { createContext, useContext } from 'react';
import { ApiError } from '@web/api/client.ts';

export type Liveness =
  | { status: 'connecting' }
  | { status: 'live'; via: 'events' | 'polling' }
  /** `dataAsOf`: the last moment the data on screen was known current; null if nothing loaded. */
  | { status: 'disconnected'; dataAsOf: number | null; reason: string; detail: string };

export const ConnectionContext = createContext<Liveness>({ status: 'connecting' });

export function useConnection(): Liveness {
  return useContext(ConnectionContext);
}

/** Why a form cannot be sent right now, or null when it can. */
export function useOfflineReason(): string | null {
  const live = useConnection();
  return live.status === 'disconnected'
    ? 'Disconnected from the server: this waits until the connection is back.'
    : null;
}

/**
 * The request never got an answer from where the data lives: the UI server is unreachable
 * (no HTTP status), or it could not reach the config API (502) or is going away (503).
 */
export function isConnectionError(error: unknown): boolean {
  return error instanceof ApiError && (error.status === 0 || error.status === 502 || error.status === 503);
}
