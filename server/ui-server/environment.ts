// The UI server's settings from the environment: LOG_LEVEL and UPSTREAM_TIMEOUT_MS, each parsed
// strictly; a bad value is reported once, in one line naming the variable, through `fail`.

import type { LevelWithSilent } from 'pino';

/** pino's levels (fastify's logger); `silent` turns logging off. */
export const LOG_LEVELS = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
] as const satisfies readonly LevelWithSilent[];
export type LogLevel = (typeof LOG_LEVELS)[number];

export const DEFAULT_LOG_LEVEL: LogLevel = 'info';
export const DEFAULT_UPSTREAM_TIMEOUT_MS = 30_000;
const MAX_UPSTREAM_TIMEOUT_MS = 600_000;

export interface UiServerEnvironment {
  logLevel: LogLevel;
  upstreamTimeoutMs: number;
}

/** `LOG_LEVEL` (default info) and `UPSTREAM_TIMEOUT_MS` (default 30000) from `env`. */
export function uiServerEnvironment(
  env: Readonly<Record<string, string | undefined>>,
  fail: (message: string) => never,
): UiServerEnvironment {
  const level = env.LOG_LEVEL || DEFAULT_LOG_LEVEL;
  if (!(LOG_LEVELS as readonly string[]).includes(level))
    fail(`LOG_LEVEL=${level} is not a log level (one of ${LOG_LEVELS.join(', ')})`);
  const timeoutText = env.UPSTREAM_TIMEOUT_MS;
  let upstreamTimeoutMs = DEFAULT_UPSTREAM_TIMEOUT_MS;
  if (timeoutText !== undefined && timeoutText !== '') {
    upstreamTimeoutMs = /^\d+$/.test(timeoutText) ? Number(timeoutText) : NaN;
    if (!(upstreamTimeoutMs >= 1 && upstreamTimeoutMs <= MAX_UPSTREAM_TIMEOUT_MS))
      fail(
        `UPSTREAM_TIMEOUT_MS=${timeoutText} is not a timeout in milliseconds (1-${MAX_UPSTREAM_TIMEOUT_MS})`,
      );
  }
  return { logLevel: level as LogLevel, upstreamTimeoutMs };
}
