// Cells of one treegrid row per node kind: load balancers fill the grid's columns, deeper levels
// show their key facts in one summary cell (listener protocol:port, pool method, member pod/node/IP/VMI).

import type { ReactNode } from 'react';
import { Link } from 'react-router';
import type { ListenerRow, LoadBalancerRow, MemberRow, PoolRow } from '@model/explorer.ts';
import { objectUrl } from '@web/components/object-url.ts';
import { AdminState, StatusDot } from '@web/components/status-dot.tsx';
import { TreeToggle } from '@web/components/tree-toggle.tsx';
import { CONFIG_TYPE, type TreeNode } from './tree-model.ts';

export const LB_COLUMNS = [
  'Name',
  'VIP',
  'Provider',
  'Listeners',
  'Members',
  'Operating',
  'Provisioning',
  'Admin',
  'Namespace',
];

interface NodeCellsProps {
  node: TreeNode;
  level: number;
  isExpanded: boolean;
  onToggle: () => void;
}

export function NodeCells({ node, level, isExpanded, onToggle }: NodeCellsProps) {
  const name = node.row.displayName;
  const nameCell = (
    <div
      role="gridcell"
      className="cell cell-name"
      style={{ paddingLeft: `${(level - 1) * 1.25 + 0.25}rem` }}
    >
      <TreeToggle label={`Expand ${name}`} isExpanded={isExpanded} onToggle={onToggle} />
      <span className="kind-tag">{KIND_LABEL[node.kind]}</span>
      <Link
        to={objectUrl(CONFIG_TYPE[node.kind], node.row.uuid)}
        tabIndex={-1}
        title={node.row.fqName.join(':')}
      >
        {name}
      </Link>
    </div>
  );
  switch (node.kind) {
    case 'loadbalancer':
      return (
        <>
          {nameCell}
          <LoadBalancerCells row={node.row} />
        </>
      );
    case 'listener':
      return (
        <>
          {nameCell}
          <ListenerSummary row={node.row} />
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
          <MemberSummary row={node.row} />
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

function LoadBalancerCells({ row }: { row: LoadBalancerRow }) {
  const listeners = row.listeners.map((l) => `${l.protocol ?? '?'}:${l.port ?? '?'}`).join(', ');
  return (
    <>
      <div role="gridcell" className="cell mono">
        {row.vip ?? '—'}
      </div>
      <div role="gridcell" className="cell">
        {row.provider ?? '—'}
      </div>
      <div role="gridcell" className="cell mono">
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
        <StatusDot status={row.provisioningStatus} />
      </div>
      <div role="gridcell" className="cell">
        <AdminState up={row.adminState} />
      </div>
      <div role="gridcell" className="cell">
        {row.namespace ?? '—'}
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

function ListenerSummary({ row }: { row: ListenerRow }) {
  return (
    <div role="gridcell" className="cell cell-summary">
      <Fact label="listener">{`${row.protocol ?? '?'}:${row.port ?? '?'}`}</Fact>
      {row.portName && <Fact label="port name">{row.portName}</Fact>}
      <Fact label="pools">{row.pools.length}</Fact>
      <Fact label="members">{row.membersTotal}</Fact>
      <Fact label="admin">
        <AdminState up={row.adminState} />
      </Fact>
    </div>
  );
}

function PoolSummary({ row }: { row: PoolRow }) {
  return (
    <div role="gridcell" className="cell cell-summary">
      <Fact label="protocol">{row.protocol ?? '—'}</Fact>
      <Fact label="method">{row.method ?? '—'}</Fact>
      <Fact label="members">{`${row.membersUp}/${row.membersTotal} up`}</Fact>
      <Fact label="admin">
        <AdminState up={row.adminState} />
      </Fact>
    </div>
  );
}

function MemberSummary({ row }: { row: MemberRow }) {
  return (
    <div role="gridcell" className="cell cell-summary">
      <Fact label="targetPort">{row.targetPort ?? '—'}</Fact>
      <Fact label="weight">{row.weight ?? '—'}</Fact>
      <Fact label="admin">
        <AdminState up={row.adminState} />
      </Fact>
      <Fact label="pod">
        {row.pod ? (
          <Link to={objectUrl('virtual-machine', row.pod.uuid)} tabIndex={-1}>
            {row.pod.namespace ? `${row.pod.namespace}/` : ''}
            {row.pod.name ?? row.pod.uuid}
          </Link>
        ) : (
          '—'
        )}
      </Fact>
      <Fact label="node">{row.node ?? '—'}</Fact>
      <Fact label="pod IP">
        <span className="mono">{row.podIp ?? row.address ?? '—'}</span>
      </Fact>
      <Fact label="VMI">
        {row.vmi ? (
          <Link to={objectUrl('virtual-machine-interface', row.vmi.uuid)} tabIndex={-1}>
            {row.vmi.name}
          </Link>
        ) : (
          '—'
        )}
      </Fact>
    </div>
  );
}
