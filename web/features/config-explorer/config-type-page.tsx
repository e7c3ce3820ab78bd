// One type's collection (`GET /<type>s`): fq_names and uuids, filterable, each opening its page.

import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { configQueries } from '@web/api/config.ts';
import { Breadcrumbs } from '@web/components/breadcrumbs.tsx';
import { ErrorState, LoadingState } from '@web/components/error-state.tsx';
import { objectUrl } from '@web/components/object-url.ts';

const SHOWN_MAX = 500;

export function ConfigTypePage({ type }: { type: string }) {
  const list = useQuery(configQueries.list(type));
  const [filter, setFilter] = useState('');
  const matching = useMemo(() => {
    const term = filter.trim().toLowerCase();
    const all = list.data ?? [];
    return term
      ? all.filter((e) => e.uuid.includes(term) || e.fq_name.join(':').toLowerCase().includes(term))
      : all;
  }, [list.data, filter]);
  return (
    <div className="page">
      <Breadcrumbs
        crumbs={[
          { key: 'explorer', label: 'Config explorer', to: '/config' },
          { key: 'type', label: `${type}s`, isCurrent: true },
        ]}
      />
      <h1>{type}s</h1>
      <input
        type="search"
        aria-label={`Filter ${type}s`}
        value={filter}
        onChange={(e) => setFilter(e.target.value)}
      />
      {list.isPending ? (
        <LoadingState what={`${type}s`} />
      ) : list.data === undefined ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : matching.length === 0 ? (
        <p role="status" className="state state-empty">
          No {type} objects{filter ? ` match “${filter}”` : ''}.
        </p>
      ) : (
        <>
          <p role="status">
            {matching.length > SHOWN_MAX
              ? `Showing ${SHOWN_MAX} of ${matching.length}; filter to narrow.`
              : `${matching.length} objects`}
          </p>
          <ul className="object-list">
            {matching.slice(0, SHOWN_MAX).map((e) => (
              <li key={e.uuid}>
                <Link to={objectUrl(type, e.uuid)}>{e.fq_name.join(':')}</Link> <code>{e.uuid}</code>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
