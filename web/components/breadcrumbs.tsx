// The breadcrumb trail above a page: links up the hierarchy, the page itself marked current.

import type { ReactNode } from 'react';
import { Link } from 'react-router';

export interface Crumb {
  key: string;
  label: ReactNode;
  /** Where the crumb leads; without it the crumb is plain text. */
  to?: string;
  /** The page being shown (aria-current="page"). */
  isCurrent?: boolean;
}

export function Breadcrumbs({ crumbs }: { crumbs: readonly Crumb[] }) {
  return (
    <nav aria-label="Breadcrumb" className="breadcrumbs">
      <ol>
        {crumbs.map((c) => (
          <li key={c.key}>
            {c.to !== undefined ? (
              <Link to={c.to}>{c.label}</Link>
            ) : (
              <span aria-current={c.isCurrent ? 'page' : undefined}>{c.label}</span>
            )}
          </li>
        ))}
      </ol>
    </nav>
  );
}
