// The Table/CLI switch of a dataplane tab and the CLI text itself: exactly what the vRouter
// utility prints (`rt --dump`, `nh --get`, `flow -l`), in a <pre>, never reformatted.

import type { UseQueryResult } from '@tanstack/react-query';
import { ErrorState, LoadingState } from '@web/components/error-state.tsx';

export function CliToggle({ isCli, onChange }: { isCli: boolean; onChange: (isCli: boolean) => void }) {
  return (
    <div className="view-toggle" role="group" aria-label="Show as">
      <button type="button" aria-pressed={!isCli} onClick={() => onChange(false)}>
        Table
      </button>
      <button type="button" aria-pressed={isCli} onClick={() => onChange(true)}>
        CLI
      </button>
    </div>
  );
}

export function CliOutput({ command, query }: { command: string; query: UseQueryResult<string> }) {
  if (query.isPending) return <LoadingState what={`\`${command}\``} />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  return (
    <figure className="cli">
      <figcaption className="mono">$ {command}</figcaption>
      <pre className="cli-text" aria-label={command} tabIndex={0}>
        {query.data}
      </pre>
    </figure>
  );
}
