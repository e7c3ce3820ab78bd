// The vRouter CLI on the Dataplane screen: the Table/CLI switch of a tab, the CLI text itself —
// exactly what the vRouter utility prints (`rt --dump`, `nh --get`, `flow -l`, `mpls --dump`,
// `vif --list`, `vrfstats --get`, `dropstats`), in a <pre>, never reformatted — and the CLI tab
// that runs any of them on a compute.

import { useState } from 'react';
import { useQuery, type UseQueryResult } from '@tanstack/react-query';
import { dataplaneQueries } from '@web/api/dataplane.ts';
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

/** The vRouter utilities the CLI tab runs, in the order a support engineer reaches for them. */
export const CLI_COMMANDS = ['rt', 'nh', 'flow', 'mpls', 'vif', 'vrfstats', 'dropstats'] as const;
export type CliCommand = (typeof CLI_COMMANDS)[number];

const NEEDS_VRF: ReadonlySet<CliCommand> = new Set(['rt', 'vrfstats']);

function commandLine(command: CliCommand, vrf: number | undefined): string {
  switch (command) {
    case 'rt':
      return `rt --dump ${vrf ?? ''}`.trim();
    case 'nh':
      return 'nh --list';
    case 'flow':
      return 'flow -l';
    case 'mpls':
      return 'mpls --dump';
    case 'vif':
      return 'vif --list';
    case 'vrfstats':
      return `vrfstats --get ${vrf ?? ''}`.trim();
    case 'dropstats':
      return 'dropstats';
  }
}

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
  const output = useQuery({
    ...dataplaneQueries.cli(node, command, needsVrf ? (vrf ?? 0) : undefined),
    enabled: !needsVrf || vrf !== undefined,
  });
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
        <CliOutput command={commandLine(command, vrf)} query={output} />
      )}
    </>
  );
}
