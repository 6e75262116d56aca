/**
 * Parsers for the outputs identity is read from. Each takes the text a real device prints.
 */

/**
 * The String16 in a `service call` reply: `Result: Parcel(0x00000000: 00000000 0000000f 00350033 …)`.
 * Word 0 is the exception code (0 = none), word 1 the length (-1 = null), then UTF-16 units, two per
 * little-endian word.
 */
export function parseParcelString(text: string): string | null {
  if (!/Result: Parcel\(/.test(text)) return null;
  const words: number[] = [];
  for (const line of text.split('\n')) {
    const m = line.match(/0x[0-9a-f]+:\s+((?:[0-9a-f]{8}\s*)+)/i);
    if (!m) continue;
    for (const w of (m[1] as string).trim().split(/\s+/)) words.push(parseInt(w, 16) >>> 0);
  }
  if (words.length < 2 || words[0] !== 0) return null;
  const length = words[1] as number;
  if (length === 0xffffffff || length > 4096) return null;
  const units: number[] = [];
  for (const w of words.slice(2)) units.push(w & 0xffff, w >>> 16);
  const value = String.fromCharCode(...units.slice(0, length));
  return value.length === length ? value : null;
}

/** `mWifiInfo SSID: "x", BSSID: aa:…, MAC: …` from `dumpsys wifi`. Placeholders count as unknown. */
export function parseWifiInfo(text: string): { ssid: string; bssid: string; mac: string } {
  const line = text.split('\n').find((l) => l.includes('mWifiInfo')) ?? '';
  const ssid = line.match(/SSID: "?([^",]*)"?,/)?.[1] ?? '';
  const bssid = line.match(/BSSID: ([0-9a-f:]{17})/i)?.[1] ?? '';
  const mac = line.match(/MAC: ([0-9a-f:]{17})/i)?.[1] ?? '';
  const unknown = (v: string) =>
    v === '' || v === '<unknown ssid>' || /^0?2:00:00:00:00:00$/.test(v) || v === '00:00:00:00:00:00';
  return {
    ssid: unknown(ssid) ? '' : ssid,
    bssid: unknown(bssid) ? '' : bssid,
    mac: unknown(mac) ? '' : mac,
  };
}

/** E-mail addresses of accounts in `dumpsys account` (`Account {name=a@b.c, type=com.google}`). */
export function parseAccountEmails(text: string): string[] {
  const emails = new Set<string>();
  for (const m of text.matchAll(/Account \{name=([^,}]+), type=[^}]+\}/g)) {
    const name = (m[1] as string).trim();
    if (/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(name)) emails.add(name);
  }
  return [...emails].sort();
}
