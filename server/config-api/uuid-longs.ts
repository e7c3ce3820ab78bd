// The two unsigned 64-bit halves of a uuid as exact decimal text (`id_perms.uuid.uuid_mslong`),
// computed without BigInt so that creating an object stays cheap. No store access.

/** 2^32 = TWO32_HIGH * 10^4 + TWO32_LOW: lets hi * 2^32 + lo be split without leaving 2^53. */
const TWO32_HIGH = 429_496;
const TWO32_LOW = 7_296;

/** 16 hex digits → the decimal digits of that unsigned 64-bit number. */
export function hexToDecimal(hex16: string): string {
  const hi = parseInt(hex16.slice(0, 8), 16);
  const lo = parseInt(hex16.slice(8, 16), 16);
  // value = (hi * TWO32_HIGH) * 10^4 + (hi * TWO32_LOW + lo); both parts stay below 2^53.
  const low = hi * TWO32_LOW + lo;
  const high = hi * TWO32_HIGH + Math.floor(low / 10_000);
  const rest = low % 10_000;
  return high === 0 ? String(rest) : `${high}${String(rest).padStart(4, '0')}`;
}

/** `uuid_mslong` and `uuid_lslong` of a canonical uuid. */
export function uuidLongs(uuid: string): { mslong: string; lslong: string } {
  const hex = uuid.slice(0, 8) + uuid.slice(9, 13) + uuid.slice(14, 18) + uuid.slice(19, 23) + uuid.slice(24);
  return { mslong: hexToDecimal(hex.slice(0, 16)), lslong: hexToDecimal(hex.slice(16)) };
}
