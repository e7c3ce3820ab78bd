// For operators, not the SPA: GET /healthz (the process answers), GET /readyz (the config API
// answers and whatever the composition root embeds is ready), GET /metrics (Prometheus text).
// Their requests log at warn level only, so a kubelet polling them does not flood the log.

import type { FastifyPluginAsync } from 'fastify';
import { serverApi } from '@model/api/paths.ts';
import type { ConfigApiClient } from '../config-api-client.ts';
import type { PrometheusMetrics } from '../metrics.ts';

/** A named readiness check; false or a thrown error means not ready. */
export type ReadinessCheck = () => boolean | Promise<boolean>;

export interface ReadinessAnswer {
  status: 'ready' | 'not ready';
  /** `ok`, or what is wrong, per check. */
  checks: Record<string, string>;
}

export interface OperationsOptions {
  configApi: ConfigApiClient;
  metrics: PrometheusMetrics;
  readiness: Readonly<Record<string, ReadinessCheck>>;
}

export function operationsRoutes(opts: OperationsOptions): FastifyPluginAsync {
  const quiet = { logLevel: 'warn' as const };
  return async (app) => {
    app.get(serverApi.healthz.pattern, quiet, async () => ({ status: 'ok' }));

    app.get(serverApi.readyz.pattern, quiet, async (req, reply): Promise<ReadinessAnswer> => {
      const checks: Record<string, string> = {};
      const run = async (name: string, check: () => Promise<unknown>) => {
        try {
          checks[name] = (await check()) === false ? 'not ready' : 'ok';
        } catch (err) {
          checks[name] = err instanceof Error ? err.message : String(err);
        }
      };
      await Promise.all([
        run('configApi', () => opts.configApi.getJson('/')),
        ...Object.entries(opts.readiness).map(([name, check]) => run(name, async () => check())),
      ]);
      const ready = Object.values(checks).every((state) => state === 'ok');
      if (!ready) req.log.warn({ checks }, 'not ready');
      reply.code(ready ? 200 : 503);
      return { status: ready ? 'ready' : 'not ready', checks };
    });

    app.get(serverApi.metrics.pattern, quiet, async (_req, reply) =>
      reply.type(opts.metrics.contentType).send(await opts.metrics.text()),
    );
  };
}
