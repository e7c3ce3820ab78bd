// Page object of the Dataplane screen: locates by role and accessible name only.

import { expect, type Locator, type Page } from '@playwright/test';

export class DataplanePage {
  readonly vrouter: Locator;
  readonly routes: Locator;
  readonly controls: Locator;

  constructor(readonly page: Page) {
    this.vrouter = page.getByRole('combobox', { name: 'vRouter' });
    this.routes = page.getByRole('table', { name: /^Routes in VRF \d+$/ });
    this.controls = page.getByRole('complementary', { name: 'Cluster controls' });
  }

  async open(): Promise<void> {
    await this.page.goto('/');
    await this.page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Dataplane' })
      .click();
    await expect(this.vrouter).toBeVisible();
  }

  /** Picks a compute by name (the option's value; its text adds the vRouter IP). */
  async pickNode(node: string): Promise<void> {
    await this.vrouter.selectOption(node);
    await expect(this.page).toHaveURL(new RegExp(`/dataplane/${node}(\\?|$)`));
  }

  tab(name: 'Routes' | 'Next hops' | 'Flows' | 'CLI' | 'Trace'): Locator {
    return this.page.getByRole('tab', { name });
  }

  routeRow(destination: string): Locator {
    return this.routes
      .getByRole('row')
      .filter({ has: this.page.getByRole('cell', { name: destination, exact: true }) });
  }

  flows(node: string): Locator {
    return this.page.getByRole('table', { name: `Flows on ${node}` });
  }

  graph(): Locator {
    return this.page.getByRole('figure', { name: /^Composite next hop \d+ graph$/ });
  }

  activeSlots(): Locator {
    return this.graph().getByRole('group', { name: /^Slot \d+: label \d+/ });
  }

  holes(): Locator {
    return this.graph().getByRole('group', { name: /^Slot \d+: hole/ });
  }

  /** The graph's table alternative: one row per slot. */
  slotTable(): Locator {
    return this.page.getByRole('table', { name: /^Slots of composite next hop \d+$/ });
  }

  /** Traces with what the form holds now and waits for the result. */
  async trace(): Promise<Locator> {
    const form = this.page.getByRole('form', { name: 'Trace a packet' });
    await expect(form.getByRole('textbox', { name: 'To IP' })).not.toHaveValue('');
    await form.getByRole('button', { name: 'Trace' }).click();
    const result = this.page.getByRole('region', { name: 'Trace result' });
    await expect(result).toContainText(/Delivered|Dropped/);
    return result;
  }

  async sendTraffic(flows: number): Promise<Locator> {
    const form = this.page.getByRole('form', { name: 'Send traffic' });
    await form.getByRole('spinbutton', { name: 'Number of flows' }).fill(String(flows));
    await form.getByRole('button', { name: `Send ${flows} flows` }).click();
    const result = this.page.getByRole('region', { name: 'Traffic result' });
    await expect(result).toContainText(`${flows} flows sent`);
    return result;
  }

  async scale(deployment: string, replicas: number): Promise<void> {
    const form = this.controls.getByRole('form', { name: `Scale ${deployment}` });
    await form.getByRole('spinbutton', { name: `Replicas of ${deployment}` }).fill(String(replicas));
    await form.getByRole('button', { name: 'Apply' }).click();
    await expect(form).toContainText(`/${replicas} ready`);
  }
}
