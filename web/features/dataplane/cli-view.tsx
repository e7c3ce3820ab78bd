// The vRouter CLI on the Dataplane screen: the Table/CLI switch of a tab, the CLI text itself —
// exactly what the vRouter utility prints (`rt --dump`, `nh --get`, `flow -l`, `mpls --dump`,
// `vif --list`, `vrfstats --get`, `dropstats`), never reformatted — and the CLI tab that runs any
// of them on a compute. A short text is a <pre>; a long one arrives in pages and only its lines in
// view are in the DOM, so a flow table of any size reads like a terminal's scrollback.

import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState } from 'react';
import { dataplaneQueries, type VRouterCommand } from '@web/api/dataplane.ts';
import { ErrorState, LoadingState } from '@web/components/error-state.tsx';

/** Up to this many lines a text is one <pre> (selectable, searchable with the browser's find). */
const PRE_MAX_LINES = 2_000;
const LINE_HEIGHT_PX = 17;
/** Lines from the end at which the next page is asked for. */
const FETCH_AHEAD_LINES = 200;

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

/** The command line a user would type for a utility. */
export function commandLine(command: VRouterCommand, params: { vrf?: number; id?: number }): string {
  switch (command) {
    case 'rt':
      return `rt --dump ${params.vrf ?? ''}`.trim();
    case 'nh':
      return params.id === undefined ? 'nh --list' : `nh --get ${params.id}`;
    case 'flow':
      return 'flow -l';
    case 'mpls':
      return 'mpls --dump';
    case 'vif':
      return 'vif --list';
    case 'vrfstats':
      return `vrfstats --get ${params.vrf ?? ''}`.trim();
    case 'dropstats':
      return 'dropstats';
  }
}

export interface CliOutputProps {
  node: string;
  command: VRouterCommand;
  params?: { vrf?: number; id?: number };
}

export function CliOutput({ node, command, params = {} }: CliOutputProps) {
  const query = useInfiniteQuery(dataplaneQueries.cli(node, command, params));
  const line = commandLine(command, params);
  const lines = useMemo(
    () => query.data?.pages.flatMap((p) => p.text.replace(/\n$/, '').split('\n')) ?? [],
    [query.data],
  );
  if (query.isPending) return <LoadingState what={`\`${line}\``} />;
  if (query.data === undefined)
    return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  const isWhole = !query.hasNextPage && lines.length <= PRE_MAX_LINES;
  return (
    <figure className="cli">
      <figcaption className="mono">
        $ {line}
        {!isWhole && (
          <span className="count">
            {' '}
            {lines.length.toLocaleString('en-US')} lines
            {query.hasNextPage ? ' so far, more as you scroll' : ''}
          </span>
        )}
      </figcaption>
      {isWhole ? (
        <pre className="cli-text" aria-label={line} tabIndex={0}>
          {query.data.pages.map((p) => p.text).join('')}
        </pre>
      ) : (
        <CliLines
          label={line}
          lines={lines}
          hasMore={query.hasNextPage}
          isFetchingMore={query.isFetchingNextPage}
          fetchMore={() => void query.fetchNextPage()}
        />
      )}
    </figure>
  );
}

function CliLines({
  label,
  lines,
  hasMore,
  isFetchingMore,
  fetchMore,
}: {
  label: string;
  lines: readonly string[];
  hasMore: boolean;
  isFetchingMore: boolean;
  fetchMore: () => void;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  // oxlint-disable-next-line react/incompatible-library
  const virtualizer = useVirtualizer({
    count: lines.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => LINE_HEIGHT_PX,
    overscan: 30,
  });
  const items = virtualizer.getVirtualItems();
  const last = items.at(-1)?.index ?? 0;
  useEffect(() => {
    if (hasMore && !isFetchingMore && last >= lines.length - FETCH_AHEAD_LINES) fetchMore();
  }, [hasMore, isFetchingMore, last, lines.length, fetchMore]);
  return (
    <div
      ref={scrollRef}
      className="cli-text cli-lines"
      role="region"
      aria-label={label}
      tabIndex={0}
      data-scroll-container=""
    >
      <div className="cli-lines-body" style={{ height: virtualizer.getTotalSize() }}>
        {items.map((item) => (
          <div
            key={item.key}
            className="cli-line"
            style={{ transform: `translateY(${item.start}px)`, height: LINE_HEIGHT_PX }}
          >
            {lines[item.index]}
          </div>
        ))}
      </div>
    </div>
  );
}

/** The vRouter utilities the CLI tab runs, in the order a support engineer reaches for them. */
export const CLI_COMMANDS = ['rt', 'nh', 'flow', 'mpls', 'vif', 'vrfstats', 'dropstats'] as const;
export type CliCommand = (typeof CLI_COMMANDS)[number];

const NEEDS_VRF: ReadonlySet<CliCommand> = new Set(['rt', 'vrfstats']);

/**
 * The CLI tab: pick a vRouter utility (and a VRF for `rt` and `vrfstats`) and read its output
 * on this compute, as `vrouter-agent` shell users would.
 */
export function CliTab({ node }: { node: string }) {
  const [command, setCommand] = useState<CliCommand>('rt');
  const vrfs = useQuery(dataplaneQueries.vrfs(node));
  const [vrfChoice, setVrfChoice] = useState<number | null>(null);
  const vrfList = vrfs.data?.vrf_list ?? [];
  // The VRF with the most routes is where the Services are (the pod network on a compute).
  const fullest = [...vrfList].sort((a, b) => b.route_count - a.route_count)[0]?.ucindex;
  const vrf = vrfChoice ?? fullest;
  const needsVrf = NEEDS_VRF.has(command);
  return (
    <>
      <div className="toolbar dp-toolbar">
        <div role="radiogroup" aria-label="Command" className="view-toggle">
          {CLI_COMMANDS.map((c) => (
            <button
              key={c}
              type="button"
              role="radio"
              aria-checked={c === command}
              onClick={() => setCommand(c)}
            >
              {c}
            </button>
          ))}
        </div>
        {needsVrf && (
          <label>
            VRF{' '}
            <select
              value={vrf ?? ''}
              onChange={(e) => setVrfChoice(Number(e.target.value))}
              disabled={vrfList.length === 0}
            >
              {vrfList.map((v) => (
                <option key={v.ucindex} value={v.ucindex}>
                  {v.ucindex}: {v.name}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      {needsVrf && vrf === undefined ? (
        vrfs.isError ? (
          <ErrorState error={vrfs.error} onRetry={() => void vrfs.refetch()} />
        ) : (
          <LoadingState what="the VRFs" />
        )
      ) : (
        <CliOutput
          key={`${command}/${needsVrf ? vrf : ''}`}
          node={node}
          command={command}
          params={needsVrf ? { vrf: vrf! } : {}}
        />
      )}
    </>
  );
}
