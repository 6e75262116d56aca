import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consolePort, shakeCommands, shakeEmulator } from '../../src/ui/emulator-console.ts';

/**
 * No emulator runs on this host (no KVM), so a stand-in for its console on 127.0.0.1 answers as the
 * emulator's telnet console does: a banner ending in OK, `auth TOKEN`, `sensor set …` → OK, else KO.
 */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-emu-console-'));
const tokenFile = path.join(dir, 'token');
const received: string[] = [];
let server: net.Server;
let port = 0;
/** The emulator with an empty token file: no authentication asked. */
let open = false;

beforeAll(async () => {
  fs.writeFileSync(tokenFile, 'secret-token\n');
  server = net.createServer((s) => {
    let authed = open;
    let buf = '';
    // The banners as developer.android.com/studio/run/emulator-console shows them.
    s.write(
      open
        ? "Android Console: type 'help' for a list of commands\r\nOK\r\n"
        : `Android Console: Authentication required\r\nAndroid Console: type 'auth <auth_token>' to authenticate\r\nAndroid Console: you can find your <auth_token> in \r\n'${tokenFile}'\r\nOK\r\n`,
    );
    s.on('data', (d) => {
      buf += d.toString();
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i).trim();
        buf = buf.slice(i + 1);
        received.push(line);
        if (line.startsWith('auth ')) {
          authed = line === 'auth secret-token';
          s.write(
            authed
              ? "Android Console: type 'help' for a list of commands\r\nOK\r\n"
              : 'KO: authentication token does not match ~/.emulator_console_auth_token\r\n',
          );
        } else s.write(authed && line.startsWith('sensor set ') ? 'OK\r\n' : 'KO: unknown command\r\n');
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as net.AddressInfo).port;
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('emulator console shake', () => {
  it('maps emulator serials to console ports', () => {
    expect(consolePort('emulator-5554')).toBe(5554);
    expect(consolePort('R58M123ABC')).toBeUndefined();
  });

  it('alternates the peak on x over the duration, rotates at θ/duration, and returns to rest', () => {
    const c = shakeCommands({ acceleration: 12, duration: 0.3, rotation: 30 }).map((x) => x.command);
    expect(c).toEqual([
      'sensor set gyroscope 0:0:1.7453',
      'sensor set acceleration 12.00:9.81:0',
      'sensor set acceleration -12.00:9.81:0',
      'sensor set acceleration 12.00:9.81:0',
      'sensor set acceleration 0:9.81:0',
      'sensor set gyroscope 0:0:0',
    ]);
  });

  it('authenticates with the token and plays the profile', async () => {
    received.length = 0;
    await shakeEmulator(port, { acceleration: 12, duration: 0.2, rotation: 0 }, { tokenFile });
    expect(received).toEqual([
      'auth secret-token',
      'sensor set acceleration 12.00:9.81:0',
      'sensor set acceleration -12.00:9.81:0',
      'sensor set acceleration 0:9.81:0',
    ]);
  });

  it('fails with the console answer when the token is wrong', async () => {
    const bad = path.join(dir, 'bad');
    fs.writeFileSync(bad, 'nope');
    await expect(
      shakeEmulator(port, { acceleration: 12, duration: 0.1, rotation: 0 }, { tokenFile: bad }),
    ).rejects.toThrow(
      /Failed to shake the emulator on console port \d+: 'auth <the token in .*bad>' answered KO/,
    );
    // The token itself stays out of the error (it ends up in logs and reports).
    await expect(
      shakeEmulator(port, { acceleration: 12, duration: 0.1, rotation: 0 }, { tokenFile: bad }),
    ).rejects.not.toThrow(/nope/);
  });

  it('sends no auth when the token file is empty (authentication disabled)', async () => {
    const empty = path.join(dir, 'empty');
    fs.writeFileSync(empty, '');
    received.length = 0;
    open = true;
    try {
      await shakeEmulator(port, { acceleration: 9, duration: 0.1, rotation: 0 }, { tokenFile: empty });
    } finally {
      open = false;
    }
    expect(received).toEqual(['sensor set acceleration 9.00:9.81:0', 'sensor set acceleration 0:9.81:0']);
  });
});
