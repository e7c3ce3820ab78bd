// The option that selects how a Service's VIP picks a backend per flow: Contrail's `hash % slots`
// or Maglev consistent hashing. Shared by kube-manager (writes it), the dataplane and the SPA.

/** Annotation key, on a Service and copied to its loadbalancer (or set on a floating-ip). */
export const ECMP_HASHING_ANNOTATION = 'ecmp-hashing';

export type EcmpHashing = 'contrail' | 'maglev';

/** The scheme an annotation value selects: `maglev`, else Contrail's default. */
export function ecmpHashingOf(value: string | undefined): EcmpHashing {
  return value === 'maglev' ? 'maglev' : 'contrail';
}
