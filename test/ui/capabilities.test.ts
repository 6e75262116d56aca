import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capabilitiesFor, SystemPorts } from '../../src/ui/capabilities.ts';
import { WdioUiDriver } from '../../src/ui/drivers/wdio.ts';

/**
 * The UiAutomator2 path cannot reach a device here, so the capabilities are checked where they leave
 * appwarden: as WebdriverIO sends them to a stand-in for the Appium server on 127.0.0.1.
 */
const sessions: Record<string, unknown>[] = [];
let failNext = false;
let server: http.Server;
let port = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      if (req.method === 'POST' && req.url === '/session') {
        const caps = (JSON.parse(body) as { capabilities: { alwaysMatch: Record<string, unknown> } })
          .capabilities.alwaysMatch;
        sessions.push(caps);
        if (failNext) {
          failNext = false;
          res.statusCode = 500;
          res.end(
            JSON.stringify({
              value: { error: 'session not created', message: 'Could not find a connected Android device' },
            }),
          );
          return;
        }
        res.end(JSON.stringify({ value: { sessionId: `s${sessions.length}`, capabilities: caps } }));
        return;
      }
      res.end(JSON.stringify({ value: null }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as net.AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

/** A range of 3 ports nobody uses, found by asking the OS. */
async function freeRange(): Promise<[number, number]> {
  for (;;) {
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const p = (srv.address() as net.AddressInfo).port;
    await new Promise((r) => srv.close(r));
    if (p < 65000) return [p, p + 2];
  }
}

describe('capabilities per device kind', () => {
  it('sims: the appwarden sim driver, nothing of UiAutomator2', () => {
    expect(capabilitiesFor('sim', '127.0.0.1:5601')).toEqual({
      platformName: 'Android',
      'appium:automationName': 'AppwardenSim',
      'appium:udid': '127.0.0.1:5601',
      'appium:noReset': true,
    });
  });

  it('devices and emulators: UiAutomator2 on their serial, their own systemPort, prompts left to the journey', () => {
    for (const [kind, serial] of [
      ['adb', 'R58M123ABC'],
      ['emulator', 'emulator-5554'],
    ] as const) {
      const caps = capabilitiesFor(kind, serial, { systemPort: 8201, serverInstalled: false });
      expect(caps).toMatchObject({
        platformName: 'Android',
        'appium:automationName': 'UiAutomator2',
        'appium:udid': serial,
        'appium:noReset': true,
        'appium:autoGrantPermissions': false,
        'appium:systemPort': 8201,
        'appium:settings[ignoreUnimportantViews]': false,
      });
      expect(caps).not.toHaveProperty('appium:skipServerInstallation');
      expect(caps).not.toHaveProperty('appium:app');
      expect(capabilitiesFor(kind, serial, { systemPort: 8201, serverInstalled: true })).toMatchObject({
        'appium:skipServerInstallation': true,
      });
    }
  });
});

describe('systemPort pool', () => {
  it('gives each device its own port, the same one while it holds it, and skips ports in use', async () => {
    const range = await freeRange();
    const busy = net.createServer();
    await new Promise<void>((r) => busy.listen(range[0], '127.0.0.1', r));
    try {
      const pool = new SystemPorts(range);
      const [a, b] = await Promise.all([pool.acquire('dev-a'), pool.acquire('dev-b')]);
      expect(a.systemPort).toBe(range[0] + 1);
      expect(b.systemPort).toBe(range[0] + 2);
      expect((await pool.acquire('dev-a')).systemPort).toBe(a.systemPort);
      await expect(pool.acquire('dev-c')).rejects.toThrow(
        /Failed to allocate a UiAutomator2 systemPort for dev-c: every port in .* is held or in use/,
      );
      pool.release('dev-a');
      expect((await pool.acquire('dev-c')).systemPort).toBe(a.systemPort);
    } finally {
      await new Promise((r) => busy.close(r));
    }
  });

  it('sends the capabilities over the wire; a failed session gives its port back; a second session skips the server install', async () => {
    const pool = new SystemPorts(await freeRange());
    const endpoint = { hostname: '127.0.0.1', port };
    failNext = true;
    await expect(WdioUiDriver.open(endpoint, 'adb', 'R58M123ABC', pool)).rejects.toThrow(
      /connected Android device/,
    );
    expect(pool.held().size).toBe(0);

    const first = await WdioUiDriver.open(endpoint, 'adb', 'R58M123ABC', pool);
    expect(pool.held().get('R58M123ABC')).toBeDefined();
    await first.close();
    expect(pool.held().size).toBe(0);
    const second = await WdioUiDriver.open(endpoint, 'adb', 'R58M123ABC', pool);
    await second.close();

    const [failed, one, two] = sessions.slice(-3);
    expect(failed).toMatchObject({ 'appium:automationName': 'UiAutomator2', 'appium:udid': 'R58M123ABC' });
    expect(one).toMatchObject({ 'appium:systemPort': expect.any(Number) });
    expect(one).not.toHaveProperty('appium:skipServerInstallation');
    expect(two).toMatchObject({ 'appium:skipServerInstallation': true });
  });
});
