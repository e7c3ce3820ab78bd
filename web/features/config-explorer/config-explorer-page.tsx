// The config explorer (the legacy Config Editor, read-only): every type the config API's `GET /`
// lists, and a box that opens any object by uuid or by type + fq_name.

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { configQueries } from '@web/api/config.ts';
import { ErrorState, LoadingState } from '@web/components/error-state.tsx';
import { objectUrl } from '@web/components/object-url.ts';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function ConfigExplorerPage() {
  const links = useQuery(configQueries.links());
  const types = (links.data?.links ?? []).filter((l) => l.link.rel === 'collection').map((l) => l.link.name);
  return (
    <div className="page page-config">
      <h1>Config explorer</h1>
      <OpenObjectForm types={types} />
      <h2>Types</h2>
      {links.isPending ? (
        <LoadingState what="the config API's types" />
      ) : links.data === undefined ? (
        <ErrorState error={links.error} onRetry={() => void links.refetch()} />
      ) : (
        <ul className="type-list" aria-label="Config types">
          {types.map((type) => (
            <li key={type}>
              <Link to={`/config/${type}`}>{type}</Link>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function OpenObjectForm({ types }: { types: string[] }) {
  const [text, setText] = useState('');
  const [type, setType] = useState('loadbalancer');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const queryClient = useQueryClient();
  const navigate = useNavigate();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const value = text.trim();
    if (!value) return;
    setBusy(true);
    setError(null);
    try {
      if (UUID_RE.test(value)) {
        const found = await queryClient.fetchQuery(configQueries.idToFqName(value.toLowerCase()));
        void navigate(objectUrl(found.type, value.toLowerCase()));
      } else {
        const fqName = value.split(':').map((s) => s.trim());
        const found = await queryClient.fetchQuery(configQueries.fqNameToId(type, fqName));
        void navigate(objectUrl(type, found.uuid));
      }
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="open-object" onSubmit={(e) => void submit(e)} aria-label="Open an object">
      <label>
        Type (for fq_name)
        <select value={type} onChange={(e) => setType(e.target.value)}>
          {(types.length ? types : ['loadbalancer']).map((t) => (
            <option key={t}>{t}</option>
          ))}
        </select>
      </label>
      <label>
        UUID or fq_name
        <input
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder="99fe8ce7-… or default-domain:k8s-ns-user-1:service-web-clusterip__…"
        />
      </label>
      <button type="submit" disabled={busy}>
        Open
      </button>
      {error !== null && <ErrorState error={error} />}
    </form>
  );
}
