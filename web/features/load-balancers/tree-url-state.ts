// The tree's state in the URL, so a pasted link restores the same screen: `open` lists expanded
// nodes as `<kind>.<uuid>`, `details` the nodes whose details are open, `json` those whose details
// show the JSON view, `q` the filter.

import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';
import type { DetailView } from '@web/components/object-detail.tsx';
import type { NodeKind } from './tree-model.ts';

const KIND_CODES: Readonly<Record<NodeKind, string>> = {
  loadbalancer: 'lb',
  listener: 'ls',
  pool: 'pl',
  member: 'mb',
};
const CODE_KINDS = new Map(Object.entries(KIND_CODES).map(([kind, code]) => [code, kind as NodeKind]));

export interface ExpandedEntry {
  kind: NodeKind;
  uuid: string;
}

function splitList(value: string | null): string[] {
  return value ? value.split(',').filter(Boolean) : [];
}

export function parseExpanded(value: string | null): ExpandedEntry[] {
  return splitList(value).flatMap((item) => {
    const at = item.indexOf('.');
    const kind = CODE_KINDS.get(item.slice(0, at));
    return kind && at > 0 ? [{ kind, uuid: item.slice(at + 1) }] : [];
  });
}

/**
 * react-router's setSearchParams starts from the params of the caller's last render, so a second
 * write before the next render (a click, then the filter box's delayed write from another
 * component) would drop the first. Each write therefore starts from the last one made here, as
 * long as nothing has navigated since: the caller still renders the params that write started from.
 */
let lastWrite: { readonly from: string; readonly to: string } | null = null;

export function useTreeUrlState() {
  const [params, setParams] = useSearchParams();
  const openText = params.get('open');
  const jsonText = params.get('json');
  const detailsText = params.get('details');
  const entries = useMemo(() => parseExpanded(openText), [openText]);
  const expanded = useMemo(() => new Set(entries.map((e) => e.uuid)), [entries]);
  const jsonViews = useMemo(() => new Set(splitList(jsonText)), [jsonText]);
  const details = useMemo(() => new Set(splitList(detailsText)), [detailsText]);

  const update = useCallback(
    (mutate: (next: URLSearchParams) => void) => {
      const rendered = params.toString();
      const continues = lastWrite !== null && lastWrite.from === rendered;
      const next = new URLSearchParams(continues ? lastWrite!.to : rendered);
      mutate(next);
      for (const key of ['open', 'details', 'json', 'q', 'view']) if (next.get(key) === '') next.delete(key);
      lastWrite = { from: continues ? lastWrite!.from : rendered, to: next.toString() };
      setParams(next, { replace: true });
    },
    [params, setParams],
  );

  const setExpanded = useCallback(
    (kind: NodeKind, uuid: string, isOpen: boolean) =>
      update((next) => {
        const list = parseExpanded(next.get('open')).filter((e) => e.uuid !== uuid);
        if (isOpen) list.push({ kind, uuid });
        next.set('open', list.map((e) => `${KIND_CODES[e.kind]}.${e.uuid}`).join(','));
      }),
    [update],
  );

  const setDetails = useCallback(
    (uuid: string, isOpen: boolean) =>
      update((next) => {
        const list = splitList(next.get('details')).filter((u) => u !== uuid);
        if (isOpen) list.push(uuid);
        next.set('details', list.join(','));
      }),
    [update],
  );

  const setView = useCallback(
    (uuid: string, view: DetailView) =>
      update((next) => {
        const list = splitList(next.get('json')).filter((u) => u !== uuid);
        if (view === 'json') list.push(uuid);
        next.set('json', list.join(','));
      }),
    [update],
  );

  const setParam = useCallback(
    (key: 'q' | 'view', value: string) => update((next) => next.set(key, value)),
    [update],
  );

  return { params, entries, expanded, details, jsonViews, setExpanded, setDetails, setView, setParam };
}
