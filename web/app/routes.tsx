// Every page and its URL; a pasted URL restores the same object, expansion and view.

import { Link, useParams, type RouteObject } from 'react-router';
import { ConfigExplorerPage } from '@web/features/config-explorer/config-explorer-page.tsx';
import { ConfigObjectPage } from '@web/features/config-explorer/config-object-page.tsx';
import { ConfigTypePage } from '@web/features/config-explorer/config-type-page.tsx';
import { DataplanePage } from '@web/features/dataplane/dataplane-page.tsx';
import { TopologyPage } from '@web/features/dataplane/topology-page.tsx';
import { DriftPage } from '@web/features/load-balancers/drift-page.tsx';
import { LoadBalancersPage } from '@web/features/load-balancers/load-balancers-page.tsx';
import { TreeObjectPage } from '@web/features/load-balancers/tree-object-page.tsx';
import type { NodeKind } from '@web/features/load-balancers/tree-model.ts';
import { Layout } from './layout.tsx';

function TreePage({ kind }: { kind: NodeKind }) {
  const { uuid = '' } = useParams();
  return <TreeObjectPage key={uuid} kind={kind} uuid={uuid} />;
}

function ObjectPage() {
  const { type = '', uuid = '' } = useParams();
  return <ConfigObjectPage key={`${type}/${uuid}`} type={type} uuid={uuid} />;
}

function TypePage() {
  const { type = '' } = useParams();
  return <ConfigTypePage key={type} type={type} />;
}

function NotFoundPage() {
  return (
    <div className="page" role="alert">
      <h1>Page not found</h1>
      <p>
        No page at this address. Go to the <Link to="/loadbalancers">load balancers</Link>.
      </p>
    </div>
  );
}

export const routes: RouteObject[] = [
  {
    element: <Layout />,
    children: [
      { index: true, element: <LoadBalancersPage /> },
      { path: 'loadbalancers', element: <LoadBalancersPage /> },
      { path: 'loadbalancers/:uuid', element: <TreePage kind="loadbalancer" /> },
      { path: 'listeners/:uuid', element: <TreePage kind="listener" /> },
      { path: 'pools/:uuid', element: <TreePage kind="pool" /> },
      { path: 'members/:uuid', element: <TreePage kind="member" /> },
      { path: 'objects/:type/:uuid', element: <ObjectPage /> },
      { path: 'config', element: <ConfigExplorerPage /> },
      { path: 'config/:type', element: <TypePage /> },
      { path: 'dataplane', element: <DataplanePage /> },
      { path: 'dataplane/:node', element: <DataplanePage /> },
      { path: 'topology', element: <TopologyPage /> },
      { path: 'drift', element: <DriftPage /> },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
];
