// The vRouter agent's ECMP flow hash (pkt/pkt_handler.cc PktInfo::hash): boost::hash_combine of
// the router id and the pre-NAT 5-tuple fields the route's EcmpLoadBalance includes, on a 64-bit
// size_t, then the agent's final fold. Pure integer arithmetic on two 32-bit halves so the packet
// path allocates nothing. Shared by the simulated vRouters and the UI server's prediction from
// introspect, so both hash a 5-tuple the same way.

import {
  ALL_HASH_FIELDS,
  DESTINATION_IP,
  DESTINATION_PORT,
  IP_PROTOCOL,
  SOURCE_IP,
  SOURCE_PORT,
  type HashFieldMask,
} from '@model/dataplane/ecmp-load-balance.ts';

const GOLDEN = 0x9e3779b9;
const TWO_32 = 4294967296;

/** A 64-bit hash as two unsigned 32-bit halves. */
export interface Hash64 {
  hi: number;
  lo: number;
}

// Scratch state reused across calls: the hash is computed on the hot path of every new flow.
let seedHi = 0;
let seedLo = 0;

/** seed ^= v + 0x9e3779b9 + (seed << 6) + (seed >> 2), all modulo 2^64 (pre-1.81 boost). */
function combine(vHi: number, vLo: number): void {
  const shlHi = ((seedHi << 6) | (seedLo >>> 26)) >>> 0;
  const shlLo = (seedLo << 6) >>> 0;
  const shrHi = seedHi >>> 2;
  const shrLo = ((seedLo >>> 2) | (seedHi << 30)) >>> 0;
  const lowSum = vLo + GOLDEN + shlLo + shrLo;
  const carry = Math.floor(lowSum / TWO_32);
  const tLo = lowSum >>> 0;
  const tHi = (vHi + shlHi + shrHi + carry) >>> 0;
  seedHi = (seedHi ^ tHi) >>> 0;
  seedLo = (seedLo ^ tLo) >>> 0;
}

/**
 * The agent's hash of a flow: router id (the compute's vhost0 IP; `flow_use_rid_in_hash` is the
 * default), then source IP, destination IP, protocol, source port and destination port, each only
 * when `fields` includes it (default: all, the agent's default EcmpLoadBalance). Returns into
 * `out` to avoid allocation.
 */
export function hashFlow(
  routerId: number,
  sip: number,
  dip: number,
  proto: number,
  sport: number,
  dport: number,
  out: Hash64,
  fields: HashFieldMask = ALL_HASH_FIELDS,
): Hash64 {
  seedHi = 0;
  seedLo = 0;
  combine(0, routerId >>> 0);
  if (fields & SOURCE_IP) combine(0, sip >>> 0);
  if (fields & DESTINATION_IP) combine(0, dip >>> 0);
  if (fields & IP_PROTOCOL) combine(0, proto);
  if (fields & SOURCE_PORT) combine(0, sport);
  if (fields & DESTINATION_PORT) combine(0, dport);
  const hi = seedHi;
  const lo = seedLo;
  // Final fold: hash_combine(0, seed & 0xffffffff) then hash_combine(h, seed >> 16).
  seedHi = 0;
  seedLo = 0;
  combine(0, lo);
  combine(hi >>> 16, ((hi << 16) | (lo >>> 16)) >>> 0);
  out.hi = seedHi;
  out.lo = seedLo;
  return out;
}

/**
 * The seed CompositeNH::PickMember receives: the 64-bit hash converted to `uint32_t`, i.e. its
 * low 32 bits (pkt_flow_info.cc PickEcmpMember passes `pkt->hash(…)` to a uint32_t parameter).
 */
export function pickSeed(hash: Hash64): number {
  return hash.lo >>> 0;
}

/** (hi·2^32 + lo) mod n, exact for n < 2^21 (the Maglev what-if indexes its table with it). */
export function hashMod(hash: Hash64, n: number): number {
  return ((((hash.hi % n) * TWO_32) % n) + (hash.lo % n)) % n;
}

/** The hash as a decimal string (the 64-bit value the agent would log). */
export function hashToString(hash: Hash64): string {
  return ((BigInt(hash.hi) << 32n) | BigInt(hash.lo)).toString();
}
