/**
 * R8 (国信办秘字〔2021〕14号《常见类型移动互联网应用程序必要个人信息范围规定》): the necessary personal
 * information of 39 common app types; 13 types need none. `deviceData` lists the identity/data types (as
 * hook events and matches name them) that the R8 text makes necessary for the type's basic function —
 * what a run-time test can observe. Most R8 items are typed in by the user (names, ID numbers, addresses)
 * and never come from device reads, so they do not appear in `deviceData`.
 *
 * The slugs are the category ids of src/config/categories.ts (what a parsed suite puts in `meta.category`).
 * Source: https://www.cac.gov.cn/2021-03/22/c_1617990997054277.htm (Art. 5, items 1–39).
 * `phoneNumber` is listed where R8 names 注册用户移动电话号码, because carrier one-tap login reads it from
 * the SIM; rules treat it as necessary there (RULES.md FP trap: category necessity).
 */
import { appCategory, appCategorySchema, type AppCategoryId } from '../config/categories.ts';

export interface CategoryNecessity {
  /** The category id of src/config/categories.ts (which holds the names). */
  id: AppCategoryId;
  /** R8 Art. 5 item number. */
  item: number;
  /** What R8 lists as necessary (summary of the article text). */
  necessary: string;
  deviceData: string[];
}

const PHONE = ['phoneNumber'];

const NECESSITY: readonly CategoryNecessity[] = [
  {
    item: 1,
    id: 'maps-navigation',
    necessary: '位置信息、出发地、到达地',
    deviceData: ['location', 'cellLocation'],
  },
  {
    item: 2,
    id: 'ride-hailing',
    necessary: '注册用户移动电话号码；乘车人出发地、到达地、位置信息、行踪轨迹；支付信息',
    deviceData: ['phoneNumber', 'location', 'cellLocation'],
  },
  {
    item: 3,
    id: 'instant-messaging',
    necessary: '注册用户移动电话号码；账号信息',
    deviceData: PHONE,
  },
  { item: 4, id: 'online-community', necessary: '注册用户移动电话号码', deviceData: PHONE },
  {
    item: 5,
    id: 'online-payment',
    necessary: '注册用户移动电话号码；姓名、证件、银行卡号码',
    deviceData: PHONE,
  },
  {
    item: 6,
    id: 'online-shopping',
    necessary: '注册用户移动电话号码；收货人姓名、地址、联系电话；支付信息',
    deviceData: PHONE,
  },
  {
    item: 7,
    id: 'food-delivery',
    necessary: '注册用户移动电话号码；收货人姓名、地址、联系电话；支付信息',
    deviceData: PHONE,
  },
  {
    item: 8,
    id: 'courier',
    necessary: '寄件人、收件人身份信息、地址、联系电话；寄递物品信息',
    deviceData: [],
  },
  {
    item: 9,
    id: 'transport-tickets',
    necessary: '注册用户移动电话号码；旅客身份信息；支付信息',
    deviceData: PHONE,
  },
  {
    item: 10,
    id: 'dating',
    necessary: '注册用户移动电话号码；性别、年龄、婚姻状况',
    deviceData: PHONE,
  },
  { item: 11, id: 'recruitment', necessary: '求职者提供的简历', deviceData: [] },
  {
    item: 12,
    id: 'online-lending',
    necessary: '注册用户移动电话号码；借款人身份信息、银行卡号码',
    deviceData: PHONE,
  },
  {
    item: 13,
    id: 'housing',
    necessary: '注册用户移动电话号码；房源基本信息',
    deviceData: PHONE,
  },
  {
    item: 14,
    id: 'used-cars',
    necessary: '注册用户移动电话号码；买卖双方身份信息、车辆信息',
    deviceData: PHONE,
  },
  {
    item: 15,
    id: 'medical-appointments',
    necessary: '注册用户移动电话号码；患者身份信息、病情描述',
    deviceData: PHONE,
  },
  { item: 16, id: 'travel', necessary: '出行人身份信息、联系电话', deviceData: [] },
  { item: 17, id: 'hotels', necessary: '入住人身份信息、联系方式；入住信息', deviceData: [] },
  { item: 18, id: 'online-games', necessary: '注册用户移动电话号码', deviceData: PHONE },
  { item: 19, id: 'education', necessary: '注册用户移动电话号码', deviceData: PHONE },
  { item: 20, id: 'local-services', necessary: '注册用户移动电话号码', deviceData: PHONE },
  { item: 21, id: 'womens-health', necessary: '无须个人信息', deviceData: [] },
  {
    item: 22,
    id: 'vehicle-services',
    necessary: '注册用户移动电话号码；共享单车、分时租赁时的位置信息；支付信息',
    deviceData: ['phoneNumber', 'location', 'cellLocation'],
  },
  {
    item: 23,
    id: 'investment',
    necessary: '注册用户移动电话号码；身份信息、资金账户、银行卡号码',
    deviceData: PHONE,
  },
  {
    item: 24,
    id: 'mobile-banking',
    necessary: '注册用户移动电话号码；身份信息、银行卡号码',
    deviceData: PHONE,
  },
  {
    item: 25,
    id: 'mail-cloud-storage',
    necessary: '注册用户移动电话号码；账号信息',
    deviceData: PHONE,
  },
  {
    item: 26,
    id: 'remote-meetings',
    necessary: '注册用户移动电话号码；账号信息',
    deviceData: PHONE,
  },
  { item: 27, id: 'live-streaming', necessary: '无须个人信息', deviceData: [] },
  { item: 28, id: 'audio-video', necessary: '无须个人信息', deviceData: [] },
  { item: 29, id: 'short-video', necessary: '无须个人信息', deviceData: [] },
  { item: 30, id: 'news', necessary: '无须个人信息', deviceData: [] },
  { item: 31, id: 'sports-fitness', necessary: '无须个人信息', deviceData: [] },
  { item: 32, id: 'browser', necessary: '无须个人信息', deviceData: [] },
  { item: 33, id: 'input-method', necessary: '无须个人信息', deviceData: [] },
  { item: 34, id: 'security', necessary: '无须个人信息', deviceData: [] },
  { item: 35, id: 'ebooks', necessary: '无须个人信息', deviceData: [] },
  { item: 36, id: 'photo-beautify', necessary: '无须个人信息', deviceData: [] },
  { item: 37, id: 'app-store', necessary: '无须个人信息', deviceData: [] },
  { item: 38, id: 'utilities', necessary: '无须个人信息', deviceData: [] },
  {
    item: 39,
    id: 'event-tickets',
    necessary: '注册用户移动电话号码；观演人身份信息；支付信息',
    deviceData: PHONE,
  },
];

export interface AppCategoryNecessity extends CategoryNecessity {
  /** R8 name without 类, as the regulation's article lists it. */
  zh: string;
  /** English slug (= id). */
  en: string;
}

/** R8's table joined with the category names of src/config/categories.ts, in R8 item order. */
export const R8_CATEGORIES: readonly AppCategoryNecessity[] = NECESSITY.map((n) => ({
  ...n,
  zh: appCategory(n.id).zh.replace(/类$/, ''),
  en: n.id,
}));

/** The 13 types that need no personal information for their basic function (R8 Art. 5 items 21, 27–38). */
export const NO_PI_CATEGORIES: readonly string[] = R8_CATEGORIES.filter((c) => appCategory(c.id).noPi).map(
  (c) => c.zh,
);

/** The R8 category a suite names (Chinese name or English slug, case-insensitive), if any. */
export function findCategory(name: string | null | undefined): AppCategoryNecessity | undefined {
  if (!name) return undefined;
  const parsed = appCategorySchema.safeParse(name.trim().toLowerCase());
  return parsed.success ? R8_CATEGORIES.find((c) => c.id === parsed.data) : undefined;
}

/** Data types necessary for the category's basic function; empty for unknown categories and the 13 no-PI types. */
export function necessaryData(category: string | null | undefined): ReadonlySet<string> {
  return new Set(findCategory(category)?.deviceData ?? []);
}

export function isNoPiCategory(category: string | null | undefined): boolean {
  const c = findCategory(category);
  return c !== undefined && appCategory(c.id).noPi;
}
