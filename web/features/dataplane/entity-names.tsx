// What an address, next hop, interface or flow is, beside it: the pod (linked to its VMI), the
// Service (linked to its load balancer), the VIP and the compute (linked to its dataplane), from
// the `names` the server resolved. Renders nothing when nothing is known.

import { Link } from 'react-router';
import type { EntityNames } from '@model/api/dataplane-views.ts';
import { dataplaneUrl } from '@web/components/dataplane-link.ts';
import { objectUrl } from '@web/components/object-url.ts';

export interface NamesProps {
  names: EntityNames;
  /** Leave out the compute when it is the one on screen. */
  hideNode?: string;
  /** Leave out the VIP when the row already shows it. */
  hideVip?: boolean;
}

export function Names({ names, hideNode, hideVip = false }: NamesProps) {
  const parts = [];
  if (names.service)
    parts.push(
      <span key="service" className="name-part">
        <span className="name-kind">svc</span>{' '}
        {names.lb ? <Link to={objectUrl('loadbalancer', names.lb)}>{names.service}</Link> : names.service}
      </span>,
    );
  if (names.vip && !hideVip)
    parts.push(
      <span key="vip" className="name-part mono">
        <span className="name-kind">VIP</span> {names.vip}
      </span>,
    );
  if (names.pod)
    parts.push(
      <span key="pod" className="name-part">
        <span className="name-kind">pod</span>{' '}
        {names.vmi ? (
          <Link to={objectUrl('virtual-machine-interface', names.vmi)} aria-label={`Pod ${names.pod}`}>
            {names.pod}
          </Link>
        ) : (
          names.pod
        )}
      </span>,
    );
  if (names.node && names.node !== hideNode)
    parts.push(
      <span key="node" className="name-part">
        <span className="name-kind">node</span> <Link to={dataplaneUrl(names.node)}>{names.node}</Link>
      </span>,
    );
  // A space between the parts keeps them apart in the accessible text (and in a copied cell).
  return parts.length === 0 ? null : (
    <span className="names">{parts.flatMap((part, i) => (i === 0 ? [part] : [' ', part]))}</span>
  );
}
