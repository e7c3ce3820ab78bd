// The objects contrail-api creates for itself at first start (provision_defaults): the default
// domain, project and global-system-config. Idempotent.

import type { ConfigStore } from './store.ts';

export function createDefaultObjects(store: ConfigStore): void {
  if (!store.uuidOf('domain', ['default-domain'])) store.create('domain', { fq_name: ['default-domain'] });
  if (!store.uuidOf('project', ['default-domain', 'default-project']))
    store.create('project', { fq_name: ['default-domain', 'default-project'], parent_type: 'domain' });
  if (!store.uuidOf('global-system-config', ['default-global-system-config']))
    store.create('global-system-config', {
      fq_name: ['default-global-system-config'],
      autonomous_system: 64512,
      config_version: '1.0',
    });
}
