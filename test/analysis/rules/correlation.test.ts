import { describe, expect, it } from 'vitest';
import { Correlation, encodingAdverb, encodingPhrase } from '../../../src/analysis/correlation.ts';
import {
  findCategory,
  isNoPiCategory,
  NO_PI_CATEGORIES,
  necessaryData,
  R8_CATEGORIES,
} from '../../../src/analysis/necessity.ts';
import { APP_CATEGORIES } from '../../../src/config/categories.ts';
import { Derived } from '../../../src/analysis/rules/common.ts';
import { API, fixture, sdkStack } from '../../fixtures/sessions/factory.ts';

describe('correlation', () => {
  it('joins a flow to the latest read by the receiving organisation, else the latest read by anyone', () => {
    const ev = fixture()
      .api(100, API.imei, ['imei'], { stack: sdkStack(API.imei) })
      .api(500, API.imei, ['imei'])
      .flow(1000, 'alog.umeng.com', [{ type: 'imei', encoding: 'gzip>base64>json>md5-hex' }])
      .flow(1100, 'api.other.example', [{ type: 'imei' }])
      .flow(1200, 'api.other.example', [{ type: 'androidId' }])
      .evidence();
    const c = new Correlation(new Derived(ev));
    expect(
      c.links.map((l) => [
        l.flow.id,
        l.read?.id ?? null,
        l.reader?.id ?? null,
        l.destination.org?.id ?? null,
      ]),
    ).toEqual([
      [3, 1, 'umeng', 'umeng'],
      [4, 2, 'app', null],
      [5, null, null, null],
    ]);
    expect(c.links.map((l) => c.describe(l))).toEqual([
      'Umeng (Alibaba) read the IMEI at 0.1 s and sent its MD5 hash to umeng.com at 1 s',
      'the app read the IMEI at 0.5 s and sent it to other.example at 1.1 s',
      'the Android ID was sent in plain text to other.example at 1.2 s',
    ]);
  });

  it('names encodings as a reader would', () => {
    expect(encodingPhrase('sha256-hex')).toBe('its SHA-256 hash');
    expect(encodingPhrase('gzip>base64')).toBe('it Base64-encoded');
    expect(encodingAdverb('sha1-hex')).toBe('as a SHA-1 hash');
    expect(encodingAdverb('md5-hex')).toBe('as an MD5 hash');
  });
});

describe('R8 necessity', () => {
  it('has 39 categories, 13 of which need no personal information', () => {
    expect(R8_CATEGORIES).toHaveLength(39);
    expect(NO_PI_CATEGORIES).toEqual([
      '女性健康',
      '网络直播',
      '在线影音',
      '短视频',
      '新闻资讯',
      '运动健身',
      '浏览器',
      '输入法',
      '安全管理',
      '电子图书',
      '拍摄美化',
      '应用商店',
      '实用工具',
    ]);
  });

  it('finds categories by id, R8 name or name with 类, and lists their device data', () => {
    expect(findCategory('新闻资讯类')?.en).toBe('news');
    expect(findCategory('maps-navigation')?.zh).toBe('地图导航');
    expect(isNoPiCategory('short-video')).toBe(true);
    expect([...necessaryData('ride-hailing')].sort()).toEqual(['cellLocation', 'location', 'phoneNumber']);
    expect(necessaryData('news').size).toBe(0);
    expect(necessaryData(null).size).toBe(0);
  });

  it('agrees with the suite category table: every category once, no-PI exactly where R8 says 无须个人信息', () => {
    expect(new Set(R8_CATEGORIES.map((c) => c.id)).size).toBe(APP_CATEGORIES.length);
    for (const c of R8_CATEGORIES) {
      expect(isNoPiCategory(c.id), c.id).toBe(c.necessary === '无须个人信息');
      expect(c.deviceData.length === 0 || !isNoPiCategory(c.id), c.id).toBe(true);
    }
  });
});
