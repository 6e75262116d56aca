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

export interface AppCategory {
  /** R8 name, as suites write it. */
  zh: string;
  /** English slug suites may use instead. */
  en: string;
  /** R8 Art. 5 item number. */
  item: number;
  /** What R8 lists as necessary (summary of the article text). */
  necessary: string;
  deviceData: string[];
}

const PHONE = ['phoneNumber'];

export const R8_CATEGORIES: readonly AppCategory[] = [
  {
    item: 1,
    zh: '地图导航',
    en: 'maps-navigation',
    necessary: '位置信息、出发地、到达地',
    deviceData: ['location', 'cellLocation'],
  },
  {
    item: 2,
    zh: '网络约车',
    en: 'ride-hailing',
    necessary: '注册用户移动电话号码；乘车人出发地、到达地、位置信息、行踪轨迹；支付信息',
    deviceData: ['phoneNumber', 'location', 'cellLocation'],
  },
  {
    item: 3,
    zh: '即时通信',
    en: 'instant-messaging',
    necessary: '注册用户移动电话号码；账号信息',
    deviceData: PHONE,
  },
  { item: 4, zh: '网络社区', en: 'online-community', necessary: '注册用户移动电话号码', deviceData: PHONE },
  {
    item: 5,
    zh: '网络支付',
    en: 'online-payment',
    necessary: '注册用户移动电话号码；姓名、证件、银行卡号码',
    deviceData: PHONE,
  },
  {
    item: 6,
    zh: '网上购物',
    en: 'online-shopping',
    necessary: '注册用户移动电话号码；收货人姓名、地址、联系电话；支付信息',
    deviceData: PHONE,
  },
  {
    item: 7,
    zh: '餐饮外卖',
    en: 'food-delivery',
    necessary: '注册用户移动电话号码；收货人姓名、地址、联系电话；支付信息',
    deviceData: PHONE,
  },
  {
    item: 8,
    zh: '邮件快件寄递',
    en: 'courier',
    necessary: '寄件人、收件人身份信息、地址、联系电话；寄递物品信息',
    deviceData: [],
  },
  {
    item: 9,
    zh: '交通票务',
    en: 'transport-tickets',
    necessary: '注册用户移动电话号码；旅客身份信息；支付信息',
    deviceData: PHONE,
  },
  {
    item: 10,
    zh: '婚恋相亲',
    en: 'dating',
    necessary: '注册用户移动电话号码；性别、年龄、婚姻状况',
    deviceData: PHONE,
  },
  { item: 11, zh: '求职招聘', en: 'recruitment', necessary: '求职者提供的简历', deviceData: [] },
  {
    item: 12,
    zh: '网络借贷',
    en: 'online-lending',
    necessary: '注册用户移动电话号码；借款人身份信息、银行卡号码',
    deviceData: PHONE,
  },
  {
    item: 13,
    zh: '房屋租售',
    en: 'housing',
    necessary: '注册用户移动电话号码；房源基本信息',
    deviceData: PHONE,
  },
  {
    item: 14,
    zh: '二手车交易',
    en: 'used-cars',
    necessary: '注册用户移动电话号码；买卖双方身份信息、车辆信息',
    deviceData: PHONE,
  },
  {
    item: 15,
    zh: '问诊挂号',
    en: 'medical-appointments',
    necessary: '注册用户移动电话号码；患者身份信息、病情描述',
    deviceData: PHONE,
  },
  { item: 16, zh: '旅游服务', en: 'travel', necessary: '出行人身份信息、联系电话', deviceData: [] },
  { item: 17, zh: '酒店服务', en: 'hotels', necessary: '入住人身份信息、联系方式；入住信息', deviceData: [] },
  { item: 18, zh: '网络游戏', en: 'online-games', necessary: '注册用户移动电话号码', deviceData: PHONE },
  { item: 19, zh: '学习教育', en: 'education', necessary: '注册用户移动电话号码', deviceData: PHONE },
  { item: 20, zh: '本地生活', en: 'local-services', necessary: '注册用户移动电话号码', deviceData: PHONE },
  { item: 21, zh: '女性健康', en: 'womens-health', necessary: '无须个人信息', deviceData: [] },
  {
    item: 22,
    zh: '用车服务',
    en: 'vehicle-services',
    necessary: '注册用户移动电话号码；共享单车、分时租赁时的位置信息；支付信息',
    deviceData: ['phoneNumber', 'location', 'cellLocation'],
  },
  {
    item: 23,
    zh: '投资理财',
    en: 'investment',
    necessary: '注册用户移动电话号码；身份信息、资金账户、银行卡号码',
    deviceData: PHONE,
  },
  {
    item: 24,
    zh: '手机银行',
    en: 'mobile-banking',
    necessary: '注册用户移动电话号码；身份信息、银行卡号码',
    deviceData: PHONE,
  },
  {
    item: 25,
    zh: '邮箱云盘',
    en: 'mail-cloud-storage',
    necessary: '注册用户移动电话号码；账号信息',
    deviceData: PHONE,
  },
  {
    item: 26,
    zh: '远程会议',
    en: 'remote-meetings',
    necessary: '注册用户移动电话号码；账号信息',
    deviceData: PHONE,
  },
  { item: 27, zh: '网络直播', en: 'live-streaming', necessary: '无须个人信息', deviceData: [] },
  { item: 28, zh: '在线影音', en: 'audio-video', necessary: '无须个人信息', deviceData: [] },
  { item: 29, zh: '短视频', en: 'short-video', necessary: '无须个人信息', deviceData: [] },
  { item: 30, zh: '新闻资讯', en: 'news', necessary: '无须个人信息', deviceData: [] },
  { item: 31, zh: '运动健身', en: 'sports-fitness', necessary: '无须个人信息', deviceData: [] },
  { item: 32, zh: '浏览器', en: 'browser', necessary: '无须个人信息', deviceData: [] },
  { item: 33, zh: '输入法', en: 'input-method', necessary: '无须个人信息', deviceData: [] },
  { item: 34, zh: '安全管理', en: 'security', necessary: '无须个人信息', deviceData: [] },
  { item: 35, zh: '电子图书', en: 'ebooks', necessary: '无须个人信息', deviceData: [] },
  { item: 36, zh: '拍摄美化', en: 'photo-beautify', necessary: '无须个人信息', deviceData: [] },
  { item: 37, zh: '应用商店', en: 'app-store', necessary: '无须个人信息', deviceData: [] },
  { item: 38, zh: '实用工具', en: 'utilities', necessary: '无须个人信息', deviceData: [] },
  {
    item: 39,
    zh: '演出票务',
    en: 'event-tickets',
    necessary: '注册用户移动电话号码；观演人身份信息；支付信息',
    deviceData: PHONE,
  },
];

/** The 13 types that need no personal information for their basic function (R8 Art. 5 items 21, 27–38). */
export const NO_PI_CATEGORIES: readonly string[] = R8_CATEGORIES.filter(
  (c) => c.necessary === '无须个人信息',
).map((c) => c.zh);

/** The R8 category a suite names (Chinese name or English slug, case-insensitive), if any. */
export function findCategory(name: string | null | undefined): AppCategory | undefined {
  if (!name) return undefined;
  // Suites write the id (news), the R8 name (新闻资讯) or the name with 类 (新闻资讯类).
  const n = name.trim().toLowerCase().replace(/类$/, '');
  return R8_CATEGORIES.find((c) => c.zh === n || c.en === n);
}

/** Data types necessary for the category's basic function; empty for unknown categories and the 13 no-PI types. */
export function necessaryData(category: string | null | undefined): ReadonlySet<string> {
  return new Set(findCategory(category)?.deviceData ?? []);
}

export function isNoPiCategory(category: string | null | undefined): boolean {
  const c = findCategory(category);
  return c !== undefined && NO_PI_CATEGORIES.includes(c.zh);
}
