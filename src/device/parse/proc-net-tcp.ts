/**
 * Local ports in state LISTEN (`0A`) from `/proc/net/tcp` and `/proc/net/tcp6` (concatenated or not):
 * `  0: 00000000:69A2 00000000:0000 0A …` — the port is the hex after the colon of `local_address`.
 */
export function listeningPorts(text: string): Set<number> {
  const ports = new Set<number>();
  for (const line of text.split('\n')) {
    const m =
      /^\s*\d+:\s+[0-9A-Fa-f]+:([0-9A-Fa-f]{4})\s+[0-9A-Fa-f]+:[0-9A-Fa-f]{4}\s+([0-9A-Fa-f]{2})\s/.exec(
        line,
      );
    if (m && (m[2] as string).toUpperCase() === '0A') ports.add(parseInt(m[1] as string, 16));
  }
  return ports;
}
