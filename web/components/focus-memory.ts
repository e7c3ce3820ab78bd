// Where keyboard focus was on each history entry, so Back returns it to the row or link the user
// left from (a single-page app gets no such help from the browser). Kept in memory per entry key:
// a reload starts fresh, as it would in a multi-page site.

export interface FocusMark {
  /** A treegrid row's `data-row-key`: the tree scrolls it into view first. */
  rowKey?: string;
  /** The link that was followed, by its href. */
  href?: string;
}

const marks = new Map<string, FocusMark>();
/** Entries remembered; older ones are dropped first. */
const MAX_ENTRIES = 200;

export function rememberFocus(locationKey: string, mark: FocusMark): void {
  marks.delete(locationKey);
  marks.set(locationKey, mark);
  if (marks.size > MAX_ENTRIES) marks.delete(marks.keys().next().value!);
}

export function recallFocus(locationKey: string): FocusMark | undefined {
  return marks.get(locationKey);
}

/** Forgets every mark (a fresh app, as after a reload). */
export function forgetFocusMarks(): void {
  marks.clear();
}

/** A value inside a double-quoted attribute selector. */
const quoted = (value: string) => `"${value.replace(/["\\]/g, '\\$&')}"`;

/** The element a mark points at inside `root`, if it is rendered. */
export function findMarked(root: ParentNode, mark: FocusMark): HTMLElement | null {
  const scope = mark.rowKey ? root.querySelector<HTMLElement>(`[data-row-key=${quoted(mark.rowKey)}]`) : root;
  if (!scope) return null;
  if (mark.href) {
    const link = scope.querySelector<HTMLElement>(`a[href=${quoted(mark.href)}]`);
    if (link) return link;
  }
  return mark.rowKey ? (scope as HTMLElement) : null;
}

/** The mark for a focused or clicked element: its row and the link it is or sits in. */
export function markOf(element: Element): FocusMark | null {
  const row = element.closest('[data-row-key]')?.getAttribute('data-row-key') ?? undefined;
  const href = element.closest('a[href]')?.getAttribute('href') ?? undefined;
  if (!row && !href) return null;
  return { ...(row ? { rowKey: row } : {}), ...(href ? { href } : {}) };
}
