// The detail panel of one config object with its two views (Basic / Advanced JSON), loaded through
// the config proxy. Shared by the tree and the config explorer; the JSON view opens refs recursively.

import { useQuery } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { configQueries } from '@web/api/config.ts';
import { stringifyExact } from '@web/api/exact-json.ts';
import { infoQueries } from '@web/api/info.ts';
import { BasicView } from './basic-view.tsx';
import { copyText } from './copy-text.ts';
import { QueryView } from './error-state.tsx';
import {
  ConfigJsonView,
  JsonViewSettingsContext,
  Primitive,
  type JsonViewSettings,
} from './json/config-json-view.tsx';
import { childPath, copyableValue, findMatches } from './json/json-walk.ts';
import { clearHighlights, highlightMatches } from './json/search-highlight.ts';

export type DetailView = 'basic' | 'json';

export interface ObjectDetailProps {
  type: string;
  uuid: string;
  view: DetailView;
  onViewChange: (view: DetailView) => void;
}

export function ObjectDetail({ type, uuid, view, onViewChange }: ObjectDetailProps) {
  const query = useQuery(configQueries.object(type, uuid));
  return (
    <section className="detail-panel" aria-label={`Details of ${type} ${uuid}`}>
      <div className="view-toggle" role="group" aria-label="Detail view">
        <button type="button" aria-pressed={view === 'basic'} onClick={() => onViewChange('basic')}>
          Basic view
        </button>
        <button type="button" aria-pressed={view === 'json'} onClick={() => onViewChange('json')}>
          Advanced JSON view
        </button>
      </div>
      <QueryView query={query} what={`${type} ${uuid}`}>
        {(object) =>
          view === 'basic' ? (
            <BasicView type={type} object={object} />
          ) : (
            <JsonPanel type={type} uuid={uuid} object={object} />
          )
        }
      </QueryView>
    </section>
  );
}

function LinkedObject({ type, uuid }: { type: string; uuid: string }) {
  const query = useQuery(configQueries.object(type, uuid));
  return (
    <QueryView query={query} what={`${type} ${uuid}`}>
      {(object) => (
        <div className="json-linked" aria-label={`${type} ${uuid}`}>
          <ConfigJsonView object={object} path={childPath('', type)} />
        </div>
      )}
    </QueryView>
  );
}

function curlFor(base: string | undefined, type: string, uuid: string, withToken: boolean): string {
  const url = `${(base ?? 'http://127.0.0.1:8082').replace(/\/$/, '')}/${type}/${uuid}`;
  return withToken ? `curl -s -H "X-Auth-Token: $OS_TOKEN" '${url}'` : `curl -s '${url}'`;
}

export function JsonPanel({
  type,
  uuid,
  object,
}: {
  type: string;
  uuid: string;
  object: Record<string, unknown>;
}) {
  const info = useQuery(infoQueries.detail());
  const [search, setSearch] = useState('');
  const [hideBulky, setHideBulky] = useState(false);
  const [copied, setCopied] = useState('');
  const containerRef = useRef<HTMLDivElement>(null);
  const owner = useRef({});
  const term = search.trim().toLowerCase();
  const rootPath = childPath('', type);

  const onCopy = useCallback((what: string, text: string) => {
    void copyText(text).then(
      () => setCopied(`Copied ${what}`),
      () => setCopied(`Could not copy ${what}`),
    );
  }, []);
  const renderLinked = useCallback(
    (linkedType: string, linkedUuid: string): ReactNode => (
      <LinkedObject type={linkedType} uuid={linkedUuid} />
    ),
    [],
  );
  const settings = useMemo<JsonViewSettings>(
    () => ({ term, hideBulky, renderLinked, onCopy }),
    [term, hideBulky, renderLinked, onCopy],
  );
  const found = useMemo(() => findMatches(object, term, rootPath, 20), [object, term, rootPath]);

  useEffect(() => {
    const root = containerRef.current;
    const key = owner.current;
    let frame = 0;
    const run = () => {
      frame = 0;
      highlightMatches(key, root, term);
    };
    run();
    if (!root || term === '') return () => clearHighlights(key);
    const observer = new MutationObserver(() => {
      if (frame === 0) frame = requestAnimationFrame(run);
    });
    observer.observe(root, { childList: true, subtree: true, characterData: true });
    return () => {
      observer.disconnect();
      if (frame) cancelAnimationFrame(frame);
      clearHighlights(key);
    };
  }, [term]);

  const withToken = Boolean(info.data?.configApi?.auth);
  return (
    <div className="json-panel">
      <div className="json-toolbar">
        <input
          type="search"
          aria-label="Search JSON"
          placeholder="Search JSON (keys and values)"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
        <label className="checkbox">
          <input type="checkbox" checked={hideBulky} onChange={(e) => setHideBulky(e.target.checked)} />
          Hide bulky fields
        </label>
        <button type="button" onClick={() => onCopy('object', stringifyExact({ [type]: object }, 2))}>
          Copy object
        </button>
        <button
          type="button"
          onClick={() => onCopy('curl command', curlFor(info.data?.configApi?.url, type, uuid, withToken))}
        >
          Copy as curl
        </button>
        <span role="status" className="copy-status">
          {copied}
        </span>
      </div>
      {term !== '' && (
        <div className="json-matches" aria-label="Search matches">
          <span>
            {found.total === 0 ? 'No matches' : `${found.total} match${found.total === 1 ? '' : 'es'}`}
          </span>
          <ul role="list">
            {found.matches.map((m) => (
              <li key={m.path}>
                <code>{m.path}</code> ={' '}
                {m.value !== null && typeof m.value === 'object' ? '{…}' : <Primitive value={m.value} />}{' '}
                <button
                  type="button"
                  className="icon-button"
                  aria-label={`Copy path ${m.path}`}
                  onClick={() => onCopy(`path ${m.path}`, m.path)}
                >
                  path
                </button>
                <button
                  type="button"
                  className="icon-button"
                  aria-label={`Copy value at ${m.path}`}
                  onClick={() => onCopy(`value at ${m.path}`, copyableValue(m.value))}
                >
                  copy
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
      <div ref={containerRef} className="json-root" role="region" aria-label={`JSON of ${type} ${uuid}`}>
        <JsonViewSettingsContext.Provider value={settings}>
          <ConfigJsonView object={object} path={rootPath} />
        </JsonViewSettingsContext.Provider>
      </div>
    </div>
  );
}
