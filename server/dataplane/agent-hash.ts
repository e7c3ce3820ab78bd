// The vRouter agent's ECMP flow hash (PktInfo::hash): boost::hash_combine of the router id and
// the pre-NAT 5-tuple on a 64-bit size_t, then the agent's final fold. Pure integer arithmetic on
// two 32-bit halves so the packet path allocates nothing.

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
 * The agent's hash of a flow: router id (the compute's vhost0 IP), then source IP, destination
 * IP, protocol, source port and destination port (all fields enabled, the default
 * EcmpLoadBalance). Returns into `out` to avoid allocation.
 */
export function hashFlow(
  routerId: number,
  sip: number,
  dip: number,
  proto: number,
  sport: number,
  dport: number,
  out: Hash64,
): Hash64 {
  seedHi = 0;
  seedLo = 0;
  combine(0, routerId >>> 0);
  combine(0, sip >>> 0);
  combine(0, dip >>> 0);
  combine(0, proto);
  combine(0, sport);
  combine(0, dport);
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

/** (hi·2^32 + lo) mod n, exact for n < 2^21. */
export function hashMod(hash: Hash64, n: number): number {
  return ((((hash.hi % n) * TWO_32) % n) + (hash.lo % n)) % n;
}

/** The hash as a decimal string (the 64-bit value the agent would log). */
export function hashToString(hash: Hash64): string {
  return ((BigInt(hash.hi) << 32n) | BigInt(hash.lo)).toString();
}
