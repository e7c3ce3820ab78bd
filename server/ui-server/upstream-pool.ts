// The connection pool to an upstream the UI server calls (the config API, the Kubernetes API,
// Keystone): headers and body each bounded by the upstream timeout, the connect by it and by
// 10 s, TLS options only for an https origin. Knows nothing of what is asked.

import type { ConnectionOptions } from 'node:tls';
import { Pool } from 'undici';

export function upstreamPool(
  url: URL,
  timeoutMs: number,
  opts: { connections: number; keepAliveTimeoutMs?: number; tls?: ConnectionOptions | undefined },
): Pool {
  return new Pool(url.origin, {
    connections: opts.connections,
    ...(opts.keepAliveTimeoutMs ? { keepAliveTimeout: opts.keepAliveTimeoutMs } : {}),
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    connectTimeout: Math.min(timeoutMs, 10_000),
    ...(url.protocol === 'https:' && opts.tls ? { connect: opts.tls } : {}),
  });
}
