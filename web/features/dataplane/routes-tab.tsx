// The Routes tab: one VRF's inet4 unicast table as `rt --dump` shows it (Destination, PPL, Flags,
// Label, Nexthop), the VIP /32s pointing at their ECMP composite, or the CLI text itself.

import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { Link } from 'react-router';
import { dataplaneQueries } from '@web/api/dataplane.ts';
import { ErrorState, LoadingState } from '@web/components/error-state.tsx';
import { CliOutput, CliToggle } from './cli-view.tsx';
import { dataplaneUrl, useDataplaneUrlState } from './dataplane-url-state.ts';
import { defaultVrfName } from './default-vrf.ts';
import { routeRows } from './route-rows.ts';
import { TableHead } from './table-head.tsx';

const ROUTE_COLUMNS = ['Destination', 'PPL', 'Flags', 'Label', 'Nexthop', 'Next hop type', 'Peer'];

export function RoutesTab({ node }: { node: string }) {
  const { vrf, isCli, setParam } = useDataplaneUrlState();
  const vrfs = useQuery(dataplaneQueries.vrfs(node));
  const interfaces = useQuery(dataplaneQueries.interfaces(node));
  const chosen =
    vrf ??
    (vrfs.data && interfaces.data ? defaultVrfName(interfaces.data.itf_list, vrfs.data.vrf_list) : undefined);
  const vrfData = vrfs.data?.vrf_list.find((v) => v.name === chosen);
  const routes = useQuery({ ...dataplaneQueries.routes(node, chosen ?? ''), enabled: vrfData !== undefined });
  const cli = useQuery({
    ...dataplaneQueries.cliRt(node, vrfData?.ucindex ?? 0),
    enabled: isCli && vrfData !== undefined,
  });
  const rows = useMemo(() => (routes.data ? routeRows(routes.data) : []), [routes.data]);

  if (vrfs.isPending || (vrf === null && interfaces.isPending)) return <LoadingState what="VRFs" />;
  if (vrfs.data === undefined) return <ErrorState error={vrfs.error} onRetry={() => void vrfs.refetch()} />;

  return (
    <>
      <div className="toolbar dp-toolbar">
        <label className="field">
          VRF
          <select value={chosen ?? ''} onChange={(e) => setParam('vrf', e.target.value)}>
            {chosen !== undefined && !vrfData && (
              <option value={chosen}>{chosen} (not on this compute)</option>
            )}
            {vrfs.data.vrf_list.map((v) => (
              <option key={v.name} value={v.name}>
                {v.ucindex}: {v.name} ({v.route_count} routes)
              </option>
            ))}
          </select>
        </label>
        <CliToggle isCli={isCli} onChange={(on) => setParam('cli', on ? '1' : null)} />
      </div>
      {!vrfData ? (
        <div role="status" className="state state-empty">
          {chosen === undefined ? 'This compute has no VRFs yet.' : `No VRF ${chosen} on ${node}.`}
        </div>
      ) : isCli ? (
        <CliOutput command={`rt --dump ${vrfData.ucindex}`} query={cli} />
      ) : routes.isPending ? (
        <LoadingState what="routes" />
      ) : routes.data === undefined ? (
        <ErrorState error={routes.error} onRetry={() => void routes.refetch()} />
      ) : rows.length === 0 ? (
        <div role="status" className="state state-empty">
          VRF {vrfData.ucindex} has no routes on {node}.
        </div>
      ) : (
        <table className="dp-table" aria-label={`Routes in VRF ${vrfData.ucindex}`}>
          <TableHead columns={ROUTE_COLUMNS} />
          <tbody>
            {rows.map((r) => (
              <tr key={r.destination} className={r.isEcmp ? 'is-ecmp' : undefined}>
                <td className="mono">{r.destination}</td>
                <td>{r.prefixLength}</td>
                <td className="mono">{r.flags}</td>
                <td className="mono">{r.label}</td>
                <td className="mono">
                  {r.nexthop === null ? (
                    '-'
                  ) : (
                    <Link
                      to={dataplaneUrl(node, 'nexthops', { nh: String(r.nexthop), vrf: vrfData.name })}
                      aria-label={`Next hop ${r.nexthop} of ${r.destination}`}
                    >
                      {r.nexthop}
                    </Link>
                  )}
                </td>
                <td>{r.isEcmp ? <strong>ECMP {r.nexthopType}</strong> : r.nexthopType}</td>
                <td className="mono">{r.peer}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
