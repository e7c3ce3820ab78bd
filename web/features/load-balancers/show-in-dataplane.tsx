// "Show in dataplane" for a load balancer, a listener or a member: pick a compute and open the
// VIP's route and ECMP composite there (a member's own compute by default), or the VIP's ECMP
// topology on every compute at once. Absent where no dataplane is served.

import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { Link } from 'react-router';
import { serviceOfLbDisplayName } from '@model/contrail/names.ts';
import { dataplaneQueries } from '@web/api/dataplane.ts';
import { explorerQueries } from '@web/api/explorer.ts';
import { dataplaneVipUrl, topologyUrl } from '@web/components/dataplane-link.ts';

export interface ShowInDataplaneProps {
  /** The load balancer whose VIP to show. */
  lbUuid: string;
  /** The compute chosen first: a member's own; else the first compute. */
  node?: string | null;
  /** `<namespace>/<pod>` of a member, picked out among the composite's slots. */
  pod?: string | null;
  /** A listener's port: the topology of the VIP on that port. */
  port?: number | null;
}

export function ShowInDataplane({ lbUuid, node, pod, port }: ShowInDataplaneProps) {
  const vrouters = useQuery(dataplaneQueries.vrouters());
  const lb = useQuery(explorerQueries.loadBalancer(lbUuid));
  const [picked, setPicked] = useState<string | null>(null);
  const selectId = useId();
  const computes = vrouters.data?.vrouters ?? [];
  const vip = lb.data?.vip;
  if (computes.length === 0 || !vip) return null;
  const chosen = picked ?? (node && computes.some((r) => r.name === node) ? node : computes[0]!.name);
  const service = serviceOfLbDisplayName(lb.data!.displayName);
  return (
    <div className="show-dp" role="group" aria-label="Show in dataplane">
      <label htmlFor={selectId}>Compute</label>
      <select id={selectId} value={chosen} onChange={(e) => setPicked(e.target.value)}>
        {computes.map((r) => (
          <option key={r.name} value={r.name}>
            {r.name}
          </option>
        ))}
      </select>
      <Link
        to={dataplaneVipUrl({
          node: chosen,
          vip,
          lb: lbUuid,
          service: service ? `${service.namespace}/${service.name}` : undefined,
          pod: pod ?? undefined,
        })}
      >
        Show {vip} in dataplane
      </Link>
      <Link to={topologyUrl({ lb: lbUuid, port })}>ECMP topology on every compute</Link>
    </div>
  );
}
