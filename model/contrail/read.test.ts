import { describe, expect, it } from 'vitest';
import { keyValue, propertyStruct } from './read.ts';

describe('config object readers', () => {
  const member = {
    loadbalancer_member_properties: { protocol_port: 80 },
    annotations: {
      key_value_pair: [
        { key: 'vm', value: 'a' },
        { key: 'vmi', value: 'b' },
      ],
    },
    virtual_machine_interface_bindings: { key_value_pair: [{ key: 'host_id', value: 'k8s-node1' }] },
    broken: ['not', 'a', 'struct'],
  };

  it('reads a struct property, or {} when it is absent or not an object', () => {
    expect(propertyStruct(member, 'loadbalancer_member_properties')).toEqual({ protocol_port: 80 });
    expect(propertyStruct(member, 'missing')).toEqual({});
    expect(propertyStruct(member, 'broken')).toEqual({});
  });

  it('reads annotations and other key/value pair properties', () => {
    expect(keyValue(member, 'vmi')).toBe('b');
    expect(keyValue(member, 'host_id', 'virtual_machine_interface_bindings')).toBe('k8s-node1');
    expect(keyValue(member, 'nope')).toBeUndefined();
    expect(keyValue({ annotations: { key_value_pair: 'x' } }, 'vm')).toBeUndefined();
  });
});
