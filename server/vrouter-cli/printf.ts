// The little of C printf the vRouter utilities use (`%-9d`, `%5s`, `%02x`, inet_ntop,
// ether_ntoa), so renderers read like the C they follow. Pure.

export const padStart = (value: string | number, width: number): string => String(value).padStart(width);
export const padEnd = (value: string | number, width: number): string => String(value).padEnd(width);
export const spaces = (n: number): string => (n > 0 ? ' '.repeat(n) : '');

/**
 * inet_ntop(AF_INET, &u32) of a 32-bit value as a little-endian host stores it: the low byte
 * prints first (how `flow` prints `fe_src_info`, e.g. vif 3 → `3.0.0.0`).
 */
export function hostOrderIpv4(value: number): string {
  const v = value >>> 0;
  return [v & 255, (v >>> 8) & 255, (v >>> 16) & 255, v >>> 24].join('.');
}

/** `aa:bb:cc:…` (any case, padded or not) → bytes. */
export function macBytes(mac: string): number[] {
  const parts = mac.split(':').map((p) => parseInt(p, 16));
  return parts.length === 6 && parts.every((b) => Number.isInteger(b)) ? parts : [0, 0, 0, 0, 0, 0];
}

/** glibc ether_ntoa: `%x:%x:…`, no zero padding (`rt` prints stitched MACs with it). */
export const etherNtoa = (mac: string): string =>
  macBytes(mac)
    .map((b) => b.toString(16))
    .join(':');

/** MAC_FORMAT (`%02x:%02x:…`, include/vr_defs.h). */
export const macFormat = (mac: string): string =>
  macBytes(mac)
    .map((b) => b.toString(16).padStart(2, '0'))
    .join(':');
