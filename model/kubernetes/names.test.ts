import { describe, expect, it } from 'vitest';
import { isDnsLabel, isDnsSubdomain, parseObjectKey } from './names.ts';

describe('Kubernetes names', () => {
  it('labels: lower-case alphanumerics and "-", at most 63', () => {
    expect(isDnsLabel('ns-user-1')).toBe(true);
    for (const bad of ['', '-a', 'a-', 'A', 'a.b', 'a_b', 'a'.repeat(64)])
      expect(isDnsLabel(bad), bad).toBe(false);
  });

  it('subdomains: dot-separated labels, at most 253', () => {
    expect(isDnsSubdomain('k8s-node1.example.com')).toBe(true);
    for (const bad of ['', 'a..b', '.a', 'a.', 'A.b', `${'a.'.repeat(127)}a`])
      expect(isDnsSubdomain(bad), bad).toBe(false);
  });

  it('parses <namespace>/<name>', () => {
    expect(parseObjectKey('ns-user-1/webserver-psx2dvdbbb-8v79p')).toEqual({
      namespace: 'ns-user-1',
      name: 'webserver-psx2dvdbbb-8v79p',
    });
    for (const bad of ['web', 'ns/', '/web', 'ns/a/b', 'ns.x/web'])
      expect(parseObjectKey(bad), bad).toBeNull();
  });
});
