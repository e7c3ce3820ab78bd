// Page object of the config explorer: locates by role and accessible name only.

import { expect, type Locator, type Page } from '@playwright/test';

export class ConfigExplorerPage {
  readonly types: Locator;
  readonly openForm: Locator;

  constructor(readonly page: Page) {
    this.types = page.getByRole('list', { name: 'Config types' });
    this.openForm = page.getByRole('form', { name: 'Open an object' });
  }

  /** From any page, through the main navigation. */
  async open(): Promise<void> {
    await this.page.goto('/');
    await this.page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Config explorer' })
      .click();
    await expect(this.page).toHaveURL('/config');
    await expect(this.types).toBeVisible();
  }

  /** Opens an object by uuid, or by fq_name (`a:b:c`) of `type`. */
  async openObject(text: string, type?: string): Promise<void> {
    if (type) await this.openForm.getByRole('combobox', { name: 'Type (for fq_name)' }).selectOption(type);
    await this.openForm.getByRole('textbox', { name: 'UUID or fq_name' }).fill(text);
    await this.openForm.getByRole('button', { name: 'Open' }).click();
  }

  heading(): Locator {
    return this.page.getByRole('heading', { level: 1 });
  }

  /** The basic view's References section. */
  /** The open object's details (its references among them). */
  details(): Locator {
    return this.page.getByRole('region', { name: /^Details of / });
  }
}
