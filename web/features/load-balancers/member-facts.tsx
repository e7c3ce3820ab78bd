// Who a pool member is: its pod (with the pod's virtual-machine page), the compute it runs on, the
// IP and port traffic reaches, and its VMI — resolved by the explorer from the member's vm/vmi
// annotations, since the member object itself carries only uuids.

import type { MemberRow } from '@model/explorer.ts';
import { Link } from 'react-router';
import { objectUrl } from '@web/components/object-url.ts';
import { refLabel } from '@web/components/ref-label.ts';

/** `<namespace>/<pod>` of a member's pod, or null when it has none. */
export function podKeyOf(row: MemberRow): string | null {
  return row.pod?.name ? `${row.pod.namespace ?? 'default'}/${row.pod.name}` : null;
}

export function MemberFacts({ row }: { row: MemberRow }) {
  return (
    <section className="basic-section member-facts">
      <h2 className="basic-title">Backend</h2>
      <dl className="basic-fields">
        <div className="basic-field">
          <dt>Pod</dt>
          <dd>
            {row.pod ? (
              <Link to={objectUrl('virtual-machine', row.pod.uuid)}>{podKeyOf(row) ?? row.pod.uuid}</Link>
            ) : (
              '—'
            )}
          </dd>
        </div>
        <div className="basic-field">
          <dt>Node</dt>
          <dd>{row.node ?? '—'}</dd>
        </div>
        <div className="basic-field">
          <dt>IP:port</dt>
          <dd className="basic-id">
            {row.podIp ?? row.address ?? '—'}:{row.targetPort ?? '—'}
          </dd>
        </div>
        <div className="basic-field">
          <dt>VMI</dt>
          <dd className="basic-id">
            {row.vmi ? (
              <Link to={objectUrl('virtual-machine-interface', row.vmi.uuid)} title={row.vmi.name}>
                {refLabel('virtual-machine-interface', [row.vmi.name], row.vmi.uuid)}
              </Link>
            ) : (
              '—'
            )}
          </dd>
        </div>
      </dl>
    </section>
  );
}
