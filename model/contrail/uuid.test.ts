import { describe, expect, it } from 'vitest';
import { isUuid } from './uuid.ts';

describe('isUuid', () => {
  it('takes the API server text form only', () => {
    expect(isUuid('99fe8ce7-9e75-11e9-b485-0050569e6cfc')).toBe(true);
    for (const bad of [
      '99FE8CE7-9E75-11E9-B485-0050569E6CFC',
      '99fe8ce79e7511e9b4850050569e6cfc',
      '99fe8ce7-9e75-11e9-b485-0050569e6cf',
      '',
    ])
      expect(isUuid(bad), bad).toBe(false);
  });
});
