// /api/consistency: every load balancer's chain — Kubernetes Endpoints → pool members → the VIP
// floating-ip's VMI refs → each compute's route and next hop — with its broken links named, and
// one load balancer's. A thin adapter over ConsistencyChecker: parse, call, throw.

import type { FastifyPluginAsync } from 'fastify';
import type { ConsistencyReport, LbConsistency } from '@model/api/dataplane-views.ts';
import { API_PREFIX, consistencyApi } from '@model/api/paths.ts';
import { strictObject, uuid } from '@model/api/validation.ts';
import type { ConsistencyChecker } from '../dataplane-views/consistency.ts';
import { parseRequest } from '../parse-request.ts';

const lbParamsSchema = strictObject({ uuid }, 'a path with a loadbalancer uuid');
const noQuery = strictObject({}, 'a query string');

export function consistencyRoutes(checker: ConsistencyChecker): FastifyPluginAsync {
  return async (app) => {
    app.get(consistencyApi.all.under(API_PREFIX.consistency), async (req): Promise<ConsistencyReport> => {
      parseRequest(noQuery, req.query, 'query');
      return checker.sweep();
    });
    app.get(consistencyApi.loadBalancer.under(API_PREFIX.consistency), async (req): Promise<LbConsistency> =>
      checker.check(parseRequest(lbParamsSchema, req.params, 'path').uuid),
    );
  };
}
