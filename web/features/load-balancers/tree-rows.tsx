// Cells of one treegrid row per node kind: the name cell (expand triangle, kind, readable name
// linking to the object's page, a Details switch), then load balancers fill the grid's columns and
// deeper levels show their key facts in one summary cell. Links and buttons are in the tab order
// only on the active row, so Tab reaches them without a stop per row of the grid.

import type { ReactNode } from 'react';
import { Link } from 'react-router';
import type { LbConsistency } from '@model/api/dataplane-views.ts';
import { serviceOfLbDisplayName } from '@model/contrail/names.ts';
import type { ListenerRow, LoadBalancerRow, MemberRow, PoolRow } from '@model/explorer.ts';
import { MiddleEllipsis } from '@web/components/middle-ellipsis.tsx';
import { objectUrl } from '@web/components/object-url.ts';
import { refLabel } from '@web/components/ref-label.ts';
import { topologyUrl } from '@web/components/dataplane-link.ts';
import { AdminState, StatusDot } from '@web/components/status-dot.tsx';
import { TreeToggle } from '@web/components/tree-toggle.tsx';
import { DriftFlag } from './drift.tsx';
import { labelledName, memberName, rowName } from './row-names.ts';
import { CONFIG_TYPE, type FlatRow, type TreeNode } from './tree-model.ts';

/**
 * The legacy grid's columns (Provisioning status is in the details, as it was there), and the
 * dataplane's: the VIP's ECMP topology and the consistency check's drift flag.
 */
export const LB_COLUMNS = [
  'Name',
  'VIP',
  'Provider',
  'Listeners',
  'Members',
  'Operating',
  'Admin',
  'Dataplane',
];

type NodeRow = Extract<FlatRow, { type: 'node' }>;

interface NodeCellsProps {
  row: NodeRow;
  isActive: boolean;
  onToggle: () => void;
  onDetails: () => void;
  /** The load balancer's consistency check, when the server runs it. */
  drift?: LbConsistency | undefined;
}

export function NodeCells({ row, isActive, onToggle, onDetails, drift }: NodeCellsProps) {
  const { node } = row;
  const tabIndex = isActive ? 0 : -1;
  const label = labelledName(node);
  const nameCell = (
    <div
      role="gridcell"
      className="cell cell-name"
      style={{ paddingLeft: `${(row.level - 1) * 1.25 + 0.25}rem` }}
    >
      {row.hasChildren ? (
        <TreeToggle label={`Expand ${label}`} isExpanded={row.isExpanded} onToggle={onToggle} />
      ) : (
        <span className="tree-leaf" aria-hidden="true" />
      )}
      <span className="kind-tag">{KIND_LABEL[node.kind]}</span>
      <Link
        className="row-name"
        to={objectUrl(CONFIG_TYPE[node.kind], node.row.uuid)}
        tabIndex={tabIndex}
        title={node.row.fqName.join(':')}
        // The name in one piece: browsers may part a middle-elided name where its pieces meet.
        aria-label={
          node.kind === 'listener' && node.row.portName
            ? `${rowName(node)} ${node.row.portName}`
            : rowName(node)
        }
      >
        <NameText node={node} />
      </Link>
      <button
        type="button"
        className="details-toggle"
        aria-label={`Details of ${label}`}
        aria-expanded={row.hasDetails}
        tabIndex={tabIndex}
        onClick={(e) => {
          e.stopPropagation();
          onDetails();
        }}
      >
        <span aria-hidden="true">i</span>
      </button>
    </div>
  );
  switch (node.kind) {
    case 'loadbalancer':
      return (
        <>
          {nameCell}
          <LoadBalancerCells row={node.row} tabIndex={tabIndex} drift={drift} />
        </>
      );
    case 'listener':
      return (
        <>
          {nameCell}
          <ListenerSummary row={node.row} tabIndex={tabIndex} />
        </>
      );
    case 'pool':
      return (
        <>
          {nameCell}
          <PoolSummary row={node.row} />
        </>
      );
    case 'member':
      return (
        <>
          {nameCell}
          <MemberSummary row={node.row} tabIndex={tabIndex} />
        </>
      );
  }
}

const KIND_LABEL: Readonly<Record<TreeNode['kind'], string>> = {
  loadbalancer: 'LB',
  listener: 'listener',
  pool: 'pool',
  member: 'member',
};

/** What the name link shows: the Service under its namespace, `TCP:8888`, or pod IP:port @node. */
function NameText({ node }: { node: TreeNode }) {
  switch (node.kind) {
    case 'loadbalancer': {
      const service = serviceOfLbDisplayName(node.row.displayName);
      if (!service) return <MiddleEllipsis text={node.row.displayName} />;
      return (
        <>
          <span className="lb-ns">{service.namespace}__</span>
          <MiddleEllipsis text={service.name} />
        </>
      );
    }
    case 'listener':
      return (
        <>
          <span className="mono">{rowName(node)}</span>
          {node.row.portName && <span className="name-note">{node.row.portName}</span>}
        </>
      );
    case 'pool':
      return <span className="mono">{rowName(node)}</span>;
    case 'member': {
      const name = memberName(node.row);
      return (
        <>
          {name.pod && <span className="member-pod">{name.pod}</span>}
          <span className="mono">{name.endpoint}</span>
          {name.node && <span className="name-note">@{name.node}</span>}
        </>
      );
    }
  }
}

function LoadBalancerCells({
  row,
  tabIndex,
  drift,
}: {
  row: LoadBalancerRow;
  tabIndex: number;
  drift: LbConsistency | undefined;
}) {
  const listeners = row.listeners.map((l) => `${l.protocol ?? '?'}:${l.port ?? '?'}`).join(', ');
  return (
    <>
      <div role="gridcell" className="cell mono">
        {row.vip ?? '—'}
      </div>
      <div role="gridcell" className="cell">
        {row.provider ?? '—'}
      </div>
      <div role="gridcell" className="cell cell-wrap mono">
        {listeners || '—'}
      </div>
      <div role="gridcell" className="cell">
        <StatusDot
          status={
            row.membersTotal === 0
              ? null
              : row.membersUp === row.membersTotal
                ? 'UP'
                : row.membersUp === 0
                  ? 'DOWN'
                  : 'DEGRADED'
          }
          label={`${row.membersUp}/${row.membersTotal}`}
        />
      </div>
      <div role="gridcell" className="cell">
        <StatusDot status={row.operatingStatus} />
      </div>
      <div role="gridcell" className="cell">
        <AdminState up={row.adminState} />
      </div>
      <div role="gridcell" className="cell cell-dataplane">
        {row.vip && (
          // The VIP where it lives: its ECMP topology on every compute.
          <Link
            to={topologyUrl({ lb: row.uuid })}
            tabIndex={tabIndex}
            aria-label={`ECMP topology of ${row.vip}`}
          >
            ECMP
          </Link>
        )}
        <DriftFlag check={drift} />
      </div>
    </>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <span className="fact">
      <span className="fact-label">{label}</span> {children}
    </span>
  );
}

function ListenerSummary({ row, tabIndex }: { row: ListenerRow; tabIndex: number }) {
  return (
    <div role="gridcell" className="cell cell-summary">
      {row.loadbalancerUuid && (
        <Fact label="ECMP">
          <Link
            to={topologyUrl({ lb: row.loadbalancerUuid, port: row.port })}
            tabIndex={tabIndex}
            aria-label={`ECMP topology of listener ${row.protocol ?? '?'}:${row.port ?? '?'}`}
          >
            topology
          </Link>
        </Fact>
      )}
      <Fact label="pools">{row.pools.length}</Fact>
      <Fact label="members">{row.membersTotal}</Fact>
      {row.connectionLimit !== null && <Fact label="connection limit">{row.connectionLimit}</Fact>}
      <Fact label="admin">
        <AdminState up={row.adminState} />
      </Fact>
    </div>
  );
}

function PoolSummary({ row }: { row: PoolRow }) {
  return (
    <div role="gridcell" className="cell cell-summary">
      <Fact label="method">{row.method ?? '—'}</Fact>
      <Fact label="members">{`${row.membersUp}/${row.membersTotal} up`}</Fact>
      {row.sessionPersistence && <Fact label="persistence">{row.sessionPersistence}</Fact>}
      <Fact label="admin">
        <AdminState up={row.adminState} />
      </Fact>
    </div>
  );
}

function MemberSummary({ row, tabIndex }: { row: MemberRow; tabIndex: number }) {
  return (
    <div role="gridcell" className="cell cell-summary">
      <Fact label="weight">{row.weight ?? '—'}</Fact>
      <Fact label="admin">
        <AdminState up={row.adminState} />
      </Fact>
      <Fact label="pod">
        {row.pod ? (
          <Link to={objectUrl('virtual-machine', row.pod.uuid)} tabIndex={tabIndex}>
            {row.pod.namespace ? `${row.pod.namespace}/` : ''}
            {row.pod.name ?? row.pod.uuid}
          </Link>
        ) : (
          '—'
        )}
      </Fact>
      <Fact label="VMI">
        {row.vmi ? (
          <Link to={objectUrl('virtual-machine-interface', row.vmi.uuid)} tabIndex={tabIndex}>
            {refLabel('virtual-machine-interface', [row.vmi.name], row.vmi.uuid)}
          </Link>
        ) : (
          '—'
        )}
      </Fact>
    </div>
  );
}
