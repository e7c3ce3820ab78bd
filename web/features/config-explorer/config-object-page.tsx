// /objects/<type>/<uuid>: any config object's page with breadcrumbs to its type and parent, and
// the Basic / Advanced JSON detail panel (view kept in the URL).

import { useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { configQueries } from '@web/api/config.ts';
import { Breadcrumbs } from '@web/components/breadcrumbs.tsx';
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
      <Breadcrumbs
        crumbs={[
          { key: 'explorer', label: 'Config explorer', to: '/config' },
          { key: 'type', label: `${type}s`, to: `/config/${type}` },
          ...(parentType && parentUuid
            ? [
                {
                  key: 'parent',
                  label: object.data?.fq_name.slice(0, -1).join(':'),
                  to: objectUrl(parentType, parentUuid),
                },
              ]
            : []),
          { key: 'object', label: object.data?.name ?? uuid, isCurrent: true },
        ]}
      />
      <h1>
        <span className="kind-tag">{type}</span> {object.data?.display_name ?? uuid}
      </h1>
      {object.isError && object.data === undefined ? (
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
