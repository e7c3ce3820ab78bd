// The source port a trace uses when the request names none: stable per (pod, destination, port),
// so a repeated trace reuses its flow, and the same for the simulated packet and the prediction
// made from introspect (both must hash the same 5-tuple). Pure.

/** An ephemeral port (32768-60999, Linux's default range) from FNV-1a of `<pod>|<dip>|<port>`. */
export function defaultTraceSourcePort(from: string, dip: number, port: number): number {
  let h = 0x811c9dc5;
  const text = `${from}|${dip}|${port}`;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return 32768 + ((h >>> 0) % 28232);
}
