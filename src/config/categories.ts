import { z } from 'zod';
import { expected, didYouMean } from './problems.ts';

/**
 * App categories of 《常见类型移动互联网应用程序必要个人信息范围规定》 (国信办秘字〔2021〕14号,
 * RULES.md R8), Art. 5, in the regulation's order. `noPi`: "无须个人信息，即可使用基本功能服务"
 * (the 13 types RULES.md lists under R8). Ids are the `en` slugs of src/analysis/necessity.ts,
 * which adds what each type needs; suites may write either the id or the Chinese name.
 */
export interface AppCategory {
  id: string;
  zh: string;
  en: string;
  noPi: boolean;
}

const SOURCE = 'R8 Art. 5';
export const APP_CATEGORY_SOURCE = SOURCE;

export const APP_CATEGORIES = [
  { id: 'maps-navigation', zh: '地图导航类', en: 'Maps and navigation', noPi: false },
  { id: 'ride-hailing', zh: '网络约车类', en: 'Ride hailing', noPi: false },
  { id: 'instant-messaging', zh: '即时通信类', en: 'Instant messaging', noPi: false },
  { id: 'online-community', zh: '网络社区类', en: 'Online community', noPi: false },
  { id: 'online-payment', zh: '网络支付类', en: 'Online payment', noPi: false },
  { id: 'online-shopping', zh: '网上购物类', en: 'Online shopping', noPi: false },
  { id: 'food-delivery', zh: '餐饮外卖类', en: 'Food delivery', noPi: false },
  { id: 'courier', zh: '邮件快件寄递类', en: 'Post and parcel delivery', noPi: false },
  { id: 'transport-tickets', zh: '交通票务类', en: 'Transport tickets', noPi: false },
  { id: 'dating', zh: '婚恋相亲类', en: 'Dating and matchmaking', noPi: false },
  { id: 'recruitment', zh: '求职招聘类', en: 'Job search and recruiting', noPi: false },
  { id: 'online-lending', zh: '网络借贷类', en: 'Online lending', noPi: false },
  { id: 'housing', zh: '房屋租售类', en: 'Housing rental and sale', noPi: false },
  { id: 'used-cars', zh: '二手车交易类', en: 'Used-car trading', noPi: false },
  { id: 'medical-appointments', zh: '问诊挂号类', en: 'Medical consultation and appointments', noPi: false },
  { id: 'travel', zh: '旅游服务类', en: 'Travel services', noPi: false },
  { id: 'hotels', zh: '酒店服务类', en: 'Hotel services', noPi: false },
  { id: 'online-games', zh: '网络游戏类', en: 'Online games', noPi: false },
  { id: 'education', zh: '学习教育类', en: 'Learning and education', noPi: false },
  { id: 'local-services', zh: '本地生活类', en: 'Local services', noPi: false },
  { id: 'womens-health', zh: '女性健康类', en: "Women's health", noPi: true },
  { id: 'vehicle-services', zh: '用车服务类', en: 'Car services', noPi: false },
  { id: 'investment', zh: '投资理财类', en: 'Investment and wealth management', noPi: false },
  { id: 'mobile-banking', zh: '手机银行类', en: 'Mobile banking', noPi: false },
  { id: 'mail-cloud-storage', zh: '邮箱云盘类', en: 'Mail and cloud storage', noPi: false },
  { id: 'remote-meetings', zh: '远程会议类', en: 'Remote meetings', noPi: false },
  { id: 'live-streaming', zh: '网络直播类', en: 'Live streaming', noPi: true },
  { id: 'audio-video', zh: '在线影音类', en: 'Online audio and video', noPi: true },
  { id: 'short-video', zh: '短视频类', en: 'Short video', noPi: true },
  { id: 'news', zh: '新闻资讯类', en: 'News', noPi: true },
  { id: 'sports-fitness', zh: '运动健身类', en: 'Sports and fitness', noPi: true },
  { id: 'browser', zh: '浏览器类', en: 'Browser', noPi: true },
  { id: 'input-method', zh: '输入法类', en: 'Input method', noPi: true },
  { id: 'security', zh: '安全管理类', en: 'Security management', noPi: true },
  { id: 'ebooks', zh: '电子图书类', en: 'E-books', noPi: true },
  { id: 'photo-beautify', zh: '拍摄美化类', en: 'Photo and beautification', noPi: true },
  { id: 'app-store', zh: '应用商店类', en: 'App store', noPi: true },
  { id: 'utilities', zh: '实用工具类', en: 'Utilities', noPi: true },
  { id: 'event-tickets', zh: '演出票务类', en: 'Show tickets', noPi: false },
] as const satisfies readonly AppCategory[];

export type AppCategoryId = (typeof APP_CATEGORIES)[number]['id'];
const IDS = APP_CATEGORIES.map((c) => c.id) as [AppCategoryId, ...AppCategoryId[]];

/** Lookup by id, by Chinese name with or without 类 (新闻资讯类, 新闻资讯). */
const BY_NAME = new Map<string, AppCategoryId>();
for (const c of APP_CATEGORIES) {
  BY_NAME.set(c.id, c.id);
  BY_NAME.set(c.zh, c.id);
  BY_NAME.set(c.zh.replace(/类$/, ''), c.id);
}

export function appCategory(id: AppCategoryId): AppCategory {
  const c = APP_CATEGORIES.find((x) => x.id === id);
  if (!c) throw new Error(`Failed to look up app category '${id}': not in the R8 table.`);
  return c;
}

/** An app category, written as its id or its Chinese name; parses to the id. */
export const appCategorySchema = z
  .enum([...BY_NAME.keys()] as [string, ...string[]], {
    error: (iss) =>
      `${expected('an R8 app category id or Chinese name')(iss)}${typeof iss.input === 'string' ? didYouMean(iss.input, IDS) : ''}`,
  })
  .transform((name) => BY_NAME.get(name) as AppCategoryId)
  .describe(
    'app category of R8 (国信办秘字〔2021〕14号): an id such as news, or the Chinese name such as 新闻资讯类',
  );
