// The "Advanced JSON view" of one config object: its top-level fields open, nested values collapsed
// (react-json-view-lite), large arrays paged, and a `+` on every ref, back-ref, child and parent
// that opens the referenced object inline (the caller renders it) next to a link to its page.

import { createContext, memo, useContext, useMemo, useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { JsonView, defaultStyles } from 'react-json-view-lite';

type StyleProps = typeof defaultStyles;
import { linkField } from '@model/contrail/schema.ts';
import { exactDigits } from '@web/api/exact-json.ts';
import { objectUrl } from '../object-url.ts';
import {
  ARRAY_PAGE_SIZE,
  BULKY_FIELDS,
  childPath,
  copyableValue,
  toDisplayValue,
  subtreeContains,
  withoutBulky,
} from './json-walk.ts';

export interface JsonViewSettings {
  /** Lower-case search term; empty for none. */
  term: string;
  hideBulky: boolean;
  /** Renders the referenced object's JSON beneath its `+` button. */
  renderLinked: (type: string, uuid: string, path: string) => ReactNode;
  onCopy: (what: string, text: string) => void;
}

export const JsonViewSettingsContext = createContext<JsonViewSettings | null>(null);

function useSettings(): JsonViewSettings {
  const settings = useContext(JsonViewSettingsContext);
  if (!settings) throw new Error('ConfigJsonView must be inside a JsonViewSettingsContext provider');
  return settings;
}

/** Class names only: the CSP forbids inline styles in the stylesheet sense, classes live in styles.css. */
const jsonStyles: StyleProps = {
  ...defaultStyles,
  container: 'rjv-container',
  label: 'rjv-label',
  clickableLabel: 'rjv-label rjv-clickable',
  punctuation: 'rjv-punctuation',
  nullValue: 'json-null',
  undefinedValue: 'json-null',
  stringValue: 'json-string',
  numberValue: 'json-number',
  booleanValue: 'json-boolean',
  // The only non-JSON value the view is given is ExactInteger (a 64-bit integer): style it as a number.
  otherValue: 'json-number',
  ariaLables: { expandJson: 'expand JSON', collapseJson: 'collapse JSON' },
};

interface LinkEntry {
  to?: unknown;
  uuid?: unknown;
  attr?: unknown;
  href?: unknown;
}

export interface ConfigJsonViewProps {
  object: Record<string, unknown>;
  /** jq path of the object, e.g. `.loadbalancer`. */
  path: string;
}

export const ConfigJsonView = memo(function ConfigJsonView({ object, path }: ConfigJsonViewProps) {
  const { hideBulky } = useSettings();
  const entries = Object.entries(object).filter(([key]) => !(hideBulky && BULKY_FIELDS.has(key)));
  return (
    <ul className="json-fields" role="list">
      {entries.map(([key, value]) => (
        <JsonField key={key} field={key} value={value} object={object} path={childPath(path, key)} />
      ))}
    </ul>
  );
});

function JsonField({
  field,
  value,
  object,
  path,
}: {
  field: string;
  value: unknown;
  object: Record<string, unknown>;
  path: string;
}) {
  const { onCopy } = useSettings();
  const link = linkField(field);
  let body: ReactNode;
  if (link && Array.isArray(value)) {
    body = <LinkList type={link.type} entries={value as LinkEntry[]} path={path} />;
  } else if (field === 'parent_uuid' && typeof value === 'string' && typeof object.parent_type === 'string') {
    body = (
      <ul className="json-links" role="list">
        <LinkItem type={object.parent_type} entry={{ uuid: value }} path={path} inline />
      </ul>
    );
  } else {
    body = <JsonValue value={value} />;
  }
  return (
    <li className="json-field" aria-label={field}>
      <span className="json-key">{field}:</span>
      {body}
      <span className="json-actions">
        <button
          type="button"
          className="icon-button"
          aria-label={`Copy value of ${field}`}
          onClick={() => onCopy(`value of ${field}`, copyableValue(value))}
        >
          copy
        </button>
        <button
          type="button"
          className="icon-button"
          aria-label={`Copy path of ${field}`}
          onClick={() => onCopy(`path ${path}`, path)}
        >
          path
        </button>
      </span>
    </li>
  );
}

function JsonValue({ value }: { value: unknown }) {
  const { term, hideBulky } = useSettings();
  const display = useMemo(() => toDisplayValue(hideBulky ? withoutBulky(value) : value), [value, hideBulky]);
  const shouldExpandNode = useMemo(
    () => (level: number, node: unknown) => level === 0 || (term !== '' && subtreeContains(node, term)),
    [term],
  );
  if (display === null || typeof display !== 'object') return <Primitive value={display} />;
  const size = Array.isArray(value) ? value.length : undefined;
  return (
    <div className="json-value">
      {size !== undefined && size > ARRAY_PAGE_SIZE && (
        <span className="json-note">
          {size} items, in pages of {ARRAY_PAGE_SIZE}
        </span>
      )}
      <JsonView
        data={display as object}
        style={jsonStyles}
        shouldExpandNode={shouldExpandNode}
        clickToExpandNode
      />
    </div>
  );
}

export function Primitive({ value }: { value: unknown }) {
  if (value === null || value === undefined) return <span className="json-null">null</span>;
  if (typeof value === 'string') return <span className="json-string">{JSON.stringify(value)}</span>;
  const digits = exactDigits(value);
  if (typeof value === 'number' || digits !== undefined)
    return <span className="json-number">{digits ?? String(value)}</span>;
  if (typeof value === 'boolean') return <span className="json-boolean">{String(value)}</span>;
  return <span className="json-other">{String(value)}</span>;
}

function LinkList({ type, entries, path }: { type: string; entries: LinkEntry[]; path: string }) {
  const [shown, setShown] = useState(ARRAY_PAGE_SIZE);
  return (
    <ul className="json-links" role="list">
      {entries.slice(0, shown).map((entry, i) => (
        <LinkItem key={`${String(entry.uuid)}-${i}`} type={type} entry={entry} path={childPath(path, i)} />
      ))}
      {entries.length > shown && (
        <li>
          <button type="button" onClick={() => setShown((n) => n + ARRAY_PAGE_SIZE)}>
            Show {Math.min(ARRAY_PAGE_SIZE, entries.length - shown)} more of {entries.length}
          </button>
        </li>
      )}
    </ul>
  );
}

function LinkItem({
  type,
  entry,
  path,
  inline = false,
}: {
  type: string;
  entry: LinkEntry;
  path: string;
  inline?: boolean;
}) {
  const { renderLinked, hideBulky } = useSettings();
  const [open, setOpen] = useState(false);
  const uuid = String(entry.uuid);
  const to = Array.isArray(entry.to) ? entry.to.join(':') : null;
  return (
    <li className="json-link">
      <button
        type="button"
        className="json-plus"
        aria-label={`Expand ${type} ${uuid}`}
        aria-expanded={open}
        onClick={() => setOpen((v) => !v)}
      >
        {open ? '−' : '+'}
      </button>
      {inline ? (
        <span className="json-string">{JSON.stringify(uuid)}</span>
      ) : (
        <span className="json-link-text">
          <span className="json-type">{type}</span> {to && <span className="json-string">{to}</span>}{' '}
          <span className="json-uuid">{uuid}</span>
          {entry.attr !== undefined && entry.attr !== null && (
            <>
              {' '}
              attr: <JsonValue value={entry.attr} />
            </>
          )}
          {!hideBulky && typeof entry.href === 'string' && <span className="json-href"> {entry.href}</span>}
        </span>
      )}{' '}
      <Link to={objectUrl(type, uuid)} className="json-open" aria-label={`Open ${type} ${uuid}`}>
        open ↗
      </Link>
      {open && <div className="json-nested">{renderLinked(type, uuid, path)}</div>}
    </li>
  );
}
