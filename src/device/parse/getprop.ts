/** `getprop` output: `[key]: [value]` lines (values may span lines). */
export function parseGetprop(text: string): Map<string, string> {
  const props = new Map<string, string>();
  const re = /^\[([^\]]+)\]: \[([\s\S]*?)\]$/gm;
  for (const m of text.matchAll(re)) props.set(m[1] as string, m[2] as string);
  return props;
}
