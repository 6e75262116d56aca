/** The kinds of config file appwarden reads. */
export const CONFIG_KINDS = ['devices', 'scenario', 'suite', 'rules'] as const;
export type ConfigKind = (typeof CONFIG_KINDS)[number];
