// /objects/<type>/<uuid>: any config object's page with breadcrumbs to its type and parent, and
// the Basic / Advanced JSON detail panel (view kept in the URL).

import { useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { configQueries } from '@web/api/config.ts';
import { ErrorState } from '@web/components/error-state.tsx';
import { ObjectDetail } from '@web/components/object-detail.tsx';
import { objectUrl } from '@web/components/object-url.ts';

export function ConfigObjectPage({ type, uuid }: { type: string; uuid: string }) {
  const [params, setParams] = useSearchParams();
  const object = useQuery(configQueries.object(type, uuid));
  const view = params.get('view') === 'json' ? 'json' : 'basic';
  const parentType = object.data?.parent_type;
  const parentUuid = object.data?.parent_uuid;
  return (
    <div className="page page-object">
      <nav aria-label="Breadcrumb" className="breadcrumbs">
        <ol>
          <li>
            <Link to="/config">Config explorer</Link>
          </li>
          <li>
            <Link to={`/config/${type}`}>{type}s</Link>
          </li>
          {parentType && parentUuid && (
            <li>
              <Link to={objectUrl(parentType, parentUuid)}>
                {object.data?.fq_name.slice(0, -1).join(':')}
              </Link>
            </li>
          )}
          <li>
            <span aria-current="page">{object.data?.name ?? uuid}</span>
          </li>
        </ol>
      </nav>
      <h1>
        <span className="kind-tag">{type}</span> {object.data?.display_name ?? uuid}
      </h1>
      {object.isError ? (
        <ErrorState error={object.error} onRetry={() => void object.refetch()} />
      ) : (
        <ObjectDetail
          type={type}
          uuid={uuid}
          view={view}
          onViewChange={(v) =>
            setParams(
              (prev) => {
                const next = new URLSearchParams(prev);
                if (v === 'json') next.set('view', 'json');
                else next.delete('view');
                return next;
              },
              { replace: true },
            )
          }
        />
      )}
    </div>
  );
}
