/**
 * The hook catalogue: every family's table, merged. Adding an API is adding a row to a family file
 * (or a family file plus one line here); a duplicate class.method fails at load time.
 */
import { ACCOUNTS } from './accounts.ts';
import { AD_IDS } from './ad-ids.ts';
import { APPS } from './apps.ts';
import { CLIPBOARD } from './clipboard.ts';
import { CONSENT_STORAGE } from './consent-storage.ts';
import { CONTENT } from './content.ts';
import { CRYPTO } from './crypto.ts';
import { DEVICE_IDS } from './device-ids.ts';
import { EXEC } from './exec.ts';
import { FILES } from './files.ts';
import { LOCATION } from './location.ts';
import { MEDIA } from './media.ts';
import { NETWORK } from './network.ts';
import { PERMISSIONS } from './permissions.ts';
import { SENSORS } from './sensors.ts';
import { DOWNLOADS, SCHEDULING, STARTS } from './starts.ts';
import { TELEPHONY } from './telephony.ts';
import { apiName, type HookRow } from './types.ts';

/** Families in install order (the manifest): identifiers first, so they are live earliest. */
export const FAMILIES: Record<string, HookRow[]> = {
  telephony: TELEPHONY,
  deviceIds: DEVICE_IDS,
  network: NETWORK,
  location: LOCATION,
  apps: APPS,
  clipboard: CLIPBOARD,
  content: CONTENT,
  accounts: ACCOUNTS,
  adIds: AD_IDS,
  media: MEDIA,
  sensors: SENSORS,
  permissions: PERMISSIONS,
  starts: STARTS,
  scheduling: SCHEDULING,
  downloads: DOWNLOADS,
  exec: EXEC,
  crypto: CRYPTO,
  files: FILES,
  consentStorage: CONSENT_STORAGE,
};

/** Merges family tables; throws on a class.method listed twice. */
export function mergeFamilies(families: Record<string, HookRow[]>): HookRow[] {
  const seen = new Map<string, string>();
  const rows: HookRow[] = [];
  for (const [family, table] of Object.entries(families)) {
    for (const row of table) {
      const key = apiName(row);
      const other = seen.get(key);
      if (other !== undefined) {
        throw new Error(
          `Failed to load the hook catalogue: ${key} is listed in both ${other} and ${family}. Keep one row per class.method.`,
        );
      }
      seen.set(key, family);
      rows.push(row);
    }
  }
  return rows;
}

export const CATALOGUE: readonly HookRow[] = mergeFamilies(FAMILIES);

export { apiName } from './types.ts';
export type { HookRow } from './types.ts';
