// Page object of the load balancer explorer: locates by role and accessible name only.

import { expect, type APIRequestContext, type Locator, type Page } from '@playwright/test';

export class LoadBalancersPage {
  readonly grid: Locator;
  readonly filter: Locator;

  constructor(readonly page: Page) {
    this.grid = page.getByRole('treegrid', { name: 'Load balancers' });
    this.filter = page.getByRole('searchbox', { name: 'Filter load balancers' });
  }

  async goto(query = ''): Promise<void> {
    await this.page.goto(`/loadbalancers${query}`);
  }

  /**
   * The triangle of the row named `name`: a load balancer's display name, or a deeper row's kind
   * and readable name (`listener TCP:8888`, `pool TCP:8888`).
   */
  toggle(name: string): Locator {
    return this.page.getByRole('button', { name: `Expand ${name}`, exact: true });
  }

  /** The switch that opens the row's details (every row has one, members included). */
  detailsToggle(name: string): Locator {
    return this.page.getByRole('button', { name: `Details of ${name}`, exact: true });
  }

  row(name: string): Locator {
    return this.page.getByRole('row').filter({ has: this.detailsToggle(name) });
  }

  /** Member rows: named `member <pod> <ip>:<port> @<node>`. */
  members(): Locator {
    return this.page
      .getByRole('row')
      .filter({ has: this.page.getByRole('button', { name: /^Details of member / }) });
  }

  /** Expands the row; clicks again only if a row above resized under the pointer and the click missed. */
  async expand(name: string): Promise<void> {
    await this.press(this.toggle(name));
  }

  /** Opens the row's details (on demand: expanding never does). */
  async openDetails(name: string): Promise<void> {
    await this.press(this.detailsToggle(name));
  }

  private async press(button: Locator): Promise<void> {
    await expect(async () => {
      if ((await button.getAttribute('aria-expanded')) !== 'true') await button.click();
      await expect(button).toHaveAttribute('aria-expanded', 'true', { timeout: 1_000 });
    }).toPass();
  }

  detail(type: string, uuid: string): Locator {
    return this.page.getByRole('region', { name: `Details of ${type} ${uuid}` });
  }

  json(type: string, uuid: string): Locator {
    return this.page.getByRole('region', { name: `JSON of ${type} ${uuid}` });
  }

  plus(type: string, uuid: string): Locator {
    return this.page.getByRole('button', { name: `Expand ${type} ${uuid}`, exact: true });
  }

  /** `+` buttons of one type inside `scope`, e.g. every listener back-ref of an LB. */
  plusesOf(scope: Locator, type: string): Locator {
    return scope.getByRole('button', { name: new RegExp(`^Expand ${type} [0-9a-f-]{36}$`) });
  }
}

export interface ExplorerRow {
  uuid: string;
  displayName: string;
  vip: string | null;
  listeners: { uuid: string; protocol: string | null; port: number | null }[];
  /** Pool members over every listener (model/explorer.ts LoadBalancerRow). */
  membersTotal: number;
}

/** The UI server's grid row for a display name (to learn uuids for accessible names). */
export async function explorerRow(request: APIRequestContext, displayName: string): Promise<ExplorerRow> {
  const res = await request.get('/api/explorer/loadbalancers?page_limit=1000');
  expect(res.ok()).toBe(true);
  const body = (await res.json()) as { loadbalancers: ExplorerRow[] };
  const row = body.loadbalancers.find((r) => r.displayName === displayName);
  if (!row) throw new Error(`no load balancer with display name ${displayName}`);
  return row;
}
