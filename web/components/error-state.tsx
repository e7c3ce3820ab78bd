// Says what went wrong when data could not be loaded: upstream down (502), too slow (504), missing
// (404), refused credentials (401/403), or the UI server itself gone, with a retry. A lost
// connection is said once per page by the shell's banner: here it is only a quiet placeholder.

import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ApiError } from '@web/api/client.ts';
import { isConnectionError, useConnection } from './connection.ts';

export function describeError(error: unknown): { title: string; hint: string; detail: string } {
  if (!(error instanceof ApiError))
    return {
      title: 'Something went wrong',
      hint: '',
      detail: error instanceof Error ? error.message : String(error),
    };
  const detail = error.detail || error.message;
  switch (error.status) {
    case 0:
      return {
        title: 'The UI server is unreachable',
        hint: 'Check that the explorer server is running.',
        detail,
      };
    case 502:
      return {
        title: 'The config API is unreachable (502)',
        hint: 'The UI server could not reach the Contrail config API. Check CONFIG_API_URL and that the API is up.',
        detail,
      };
    case 504:
      return {
        title: 'The config API did not answer in time (504)',
        hint: 'It may be overloaded; retry.',
        detail,
      };
    case 404:
      return {
        title: 'Not found (404)',
        hint: 'The object may have been deleted, or the link is wrong.',
        detail,
      };
    case 401:
      return {
        title: 'The config API refused the credentials (401)',
        hint: 'Set a valid keystone token in CONFIG_API_TOKEN on the UI server.',
        detail,
      };
    case 403:
      return { title: 'Not allowed (403)', hint: 'The configured token may not read this object.', detail };
    default:
      return { title: `${error.message} (${error.status})`, hint: '', detail };
  }
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const live = useConnection();
  if (live.status === 'disconnected' && isConnectionError(error))
    return (
      <p className="state state-offline">Not loaded: disconnected. It loads when the connection is back.</p>
    );
  const { title, hint, detail } = describeError(error);
  return (
    <div role="alert" className="state state-error">
      <strong>{title}</strong>
      {hint && <p>{hint}</p>}
      {detail && <pre className="error-detail">{detail}</pre>}
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}

export function LoadingState({ what }: { what: string }) {
  return (
    <div role="status" className="state state-loading">
      Loading {what}…
    </div>
  );
}

/**
 * A query's content. Data, once loaded, stays up when a refetch fails: a lost connection is the
 * page banner's to say, any other error (a 404 after a delete) is said above the last data.
 */
export function QueryView<T>({
  query,
  what,
  children,
}: {
  query: UseQueryResult<T>;
  what: string;
  children: (data: T) => ReactNode;
}) {
  const retry = () => void query.refetch();
  if (query.data === undefined)
    return query.isError ? <ErrorState error={query.error} onRetry={retry} /> : <LoadingState what={what} />;
  return (
    <>
      {query.isError && !isConnectionError(query.error) && <ErrorState error={query.error} onRetry={retry} />}
      {children(query.data)}
    </>
  );
}
