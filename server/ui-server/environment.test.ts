import { describe, expect, it } from 'vitest';
import { uiServerEnvironment } from './environment.ts';

const fail = (message: string): never => {
  throw new Error(message);
};

describe('uiServerEnvironment', () => {
  it('defaults to info logs and a 30 s upstream deadline', () => {
    expect(uiServerEnvironment({}, fail)).toEqual({ logLevel: 'info', upstreamTimeoutMs: 30_000 });
    expect(uiServerEnvironment({ LOG_LEVEL: '', UPSTREAM_TIMEOUT_MS: '' }, fail)).toEqual({
      logLevel: 'info',
      upstreamTimeoutMs: 30_000,
    });
  });

  it('reads LOG_LEVEL and UPSTREAM_TIMEOUT_MS', () => {
    expect(uiServerEnvironment({ LOG_LEVEL: 'silent', UPSTREAM_TIMEOUT_MS: '2500' }, fail)).toEqual({
      logLevel: 'silent',
      upstreamTimeoutMs: 2500,
    });
  });

  it.each([
    [
      { LOG_LEVEL: 'verbose' },
      'LOG_LEVEL=verbose is not a log level (one of fatal, error, warn, info, debug, trace, silent)',
    ],
    [{ UPSTREAM_TIMEOUT_MS: '5s' }, 'UPSTREAM_TIMEOUT_MS=5s is not a timeout in milliseconds (1-600000)'],
    [{ UPSTREAM_TIMEOUT_MS: '0' }, 'UPSTREAM_TIMEOUT_MS=0 is not a timeout in milliseconds (1-600000)'],
    [
      { UPSTREAM_TIMEOUT_MS: '600001' },
      'UPSTREAM_TIMEOUT_MS=600001 is not a timeout in milliseconds (1-600000)',
    ],
  ])('refuses %j in one line naming the variable', (env, message) => {
    expect(() => uiServerEnvironment(env, fail)).toThrow(message);
  });
});
