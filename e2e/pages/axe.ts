// axe-core over whatever the page shows now, every rule on (none disabled): the violations, one
// readable line each, so a failure says which rule, how often and where.

import { AxeBuilder } from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

export async function expectNoAxeViolations(page: Page, where: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const lines = results.violations.map(
    (v) =>
      `${v.id} (${v.impact ?? 'n/a'}) ×${v.nodes.length}: ${v.help} — ${v.nodes
        .slice(0, 3)
        .map((n) => n.target.join(' '))
        .join(' | ')}`,
  );
  expect(lines, `axe-core violations on ${where}`).toEqual([]);
}
