// The page URL of any config object: the load balancer tree types have short deep links, every
// other type opens in the config explorer's object page.

const TREE_PAGES: Readonly<Record<string, string>> = {
  loadbalancer: 'loadbalancers',
  'loadbalancer-listener': 'listeners',
  'loadbalancer-pool': 'pools',
  'loadbalancer-member': 'members',
};

export function objectUrl(type: string, uuid: string): string {
  const page = TREE_PAGES[type];
  return page ? `/${page}/${uuid}` : `/objects/${type}/${uuid}`;
}
