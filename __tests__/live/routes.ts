/**
 * The distinct servers a node routes to, from its /routez. Since nats-server
 * 2.10 a node keeps a pool of route connections per peer (3 by default,
 * plus one per pinned account such as $SYS), so `num_routes` counts
 * connections, not peers: on the pinned 2.14 it is several times the peer
 * count, on 2.9 it equals it.
 */
export function routedPeers(routez: { routes?: { remote_id: string }[] }): number {
  return new Set((routez.routes ?? []).map((route) => route.remote_id)).size;
}
