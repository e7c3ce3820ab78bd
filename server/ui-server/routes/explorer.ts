// GET /api/explorer/*: the load balancer tree, one level per request, with one list query per level
// (back_ref_id / parent_id / obj_uuids), never one GET per object. A thin route: parse the query,
// fetch through the config API client, assemble with explorer-rows.ts. Failures are thrown.

import type { FastifyPluginAsync } from 'fastify';
import { levelParamsSchema, loadBalancersQuerySchema } from '@model/api/explorer-query.ts';
import { explorerApi } from '@model/api/paths.ts';
import type { LoadBalancerPage } from '@model/explorer.ts';
import type { ConfigApiClient } from '../config-api-client.ts';
import {
  assembleListenerRows,
  assembleLoadBalancerRows,
  assembleMemberRows,
  assemblePoolRows,
  memberRelationUuids,
} from '../explorer-rows.ts';
import { parseRequest } from '../parse-request.ts';

export interface ExplorerOptions {
  /** Load balancers per page of GET /api/explorer/loadbalancers when the client names none. */
  defaultPageLimit?: number;
}

const uuidsOf = (objects: readonly { uuid?: unknown }[]) => objects.map((o) => String(o.uuid));

export function explorerRoutes(configApi: ConfigApiClient, opts: ExplorerOptions = {}): FastifyPluginAsync {
  const defaultPageLimit = opts.defaultPageLimit ?? 250;
  return async (app) => {
    app.get(explorerApi.loadBalancers.pattern, async (req): Promise<LoadBalancerPage> => {
      const query = parseRequest(loadBalancersQuerySchema, req.query, 'query');
      const selection: Record<string, string> = query.obj_uuids
        ? { obj_uuids: query.obj_uuids.join(',') }
        : // contrail-api pages only when page_marker is present; "None" asks for the first page.
          {
            page_limit: String(query.page_limit ?? defaultPageLimit),
            page_marker: query.page_marker ?? 'None',
          };
      const [lbPage, countBody] = await Promise.all([
        configApi.getJson(
          `/loadbalancers?${new URLSearchParams({ detail: 'true', ...selection }).toString()}`,
        ),
        configApi.getJson('/loadbalancers?count=true'),
      ]);
      const entries = Array.isArray(lbPage.loadbalancers) ? (lbPage.loadbalancers as unknown[]) : [];
      const lbs = entries.flatMap((e) => {
        const inner = (e as { loadbalancer?: unknown } | null)?.loadbalancer;
        return typeof inner === 'object' && inner !== null ? [inner as Record<string, unknown>] : [];
      });
      const counted = Number((countBody.loadbalancers as { count?: unknown } | undefined)?.count);
      const listeners = await configApi.listAnchored('loadbalancer-listener', 'back_ref_id', uuidsOf(lbs));
      const pools = await configApi.listAnchored('loadbalancer-pool', 'back_ref_id', uuidsOf(listeners), {
        fields: 'loadbalancer_listener_refs',
      });
      const members = await configApi.listAnchored('loadbalancer-member', 'parent_id', uuidsOf(pools), {
        fields: 'loadbalancer_member_properties',
      });
      return {
        loadbalancers: assembleLoadBalancerRows(lbs, listeners, pools, members),
        total: Number.isFinite(counted) ? counted : lbs.length,
        marker: typeof lbPage.marker === 'string' ? lbPage.marker : null,
      };
    });

    app.get(explorerApi.listeners.pattern, async (req) => {
      const { uuid } = parseRequest(levelParamsSchema, req.params, 'path');
      const listeners = await configApi.listAnchored('loadbalancer-listener', 'back_ref_id', [uuid]);
      const pools = await configApi.listAnchored('loadbalancer-pool', 'back_ref_id', uuidsOf(listeners), {
        fields: 'display_name,loadbalancer_listener_refs,loadbalancer_members',
      });
      return { listeners: assembleListenerRows(listeners, pools) };
    });

    app.get(explorerApi.pools.pattern, async (req) => {
      const { uuid } = parseRequest(levelParamsSchema, req.params, 'path');
      const pools = await configApi.listAnchored('loadbalancer-pool', 'back_ref_id', [uuid], {
        fields: 'display_name,loadbalancer_pool_properties,loadbalancer_listener_refs',
      });
      const members = await configApi.listAnchored('loadbalancer-member', 'parent_id', uuidsOf(pools), {
        fields: 'loadbalancer_member_properties',
      });
      return { pools: assemblePoolRows(pools, members) };
    });

    app.get(explorerApi.members.pattern, async (req) => {
      const { uuid } = parseRequest(levelParamsSchema, req.params, 'path');
      const members = await configApi.listAnchored('loadbalancer-member', 'parent_id', [uuid]);
      const related = memberRelationUuids(members);
      const [vmis, instanceIps, vms, vrouters] = await Promise.all([
        configApi.listAnchored('virtual-machine-interface', 'obj_uuids', related.vmis),
        configApi.listAnchored('instance-ip', 'back_ref_id', related.vmis),
        configApi.listAnchored('virtual-machine', 'obj_uuids', related.vms),
        configApi.listAnchored('virtual-router', 'back_ref_id', related.vms),
      ]);
      return { members: assembleMemberRows(members, { vmis, instanceIps, vms, vrouters }) };
    });
  };
}
