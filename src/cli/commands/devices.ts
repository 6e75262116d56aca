import fs from 'node:fs';
import path from 'node:path';
import Table from 'cli-table3';
import type { Command } from 'commander';
import { loadConfigFile } from '../../config/load.ts';
import { Farm } from '../../farm/farm.ts';
import { checkFarm, type DeviceHealth } from '../../farm/health.ts';
import { ResourceScope } from '../../farm/resources.ts';
import { caPaths, loadCa, subjectHashOld } from '../../traffic/ca.ts';
import { CommandExit, type CliContext } from '../context.ts';

/** No colour codes: output goes to logs and pipes as often as to a terminal. */
const PLAIN = { head: [], border: [] };

/** `running 17.2.11`, `not running`, … — the version only when one is installed. */
function fridaCell(h: DeviceHealth): string {
  if (h.fridaServer === undefined) return '';
  const version = h.fridaServerVersion ? ` ${h.fridaServerVersion}` : '';
  return h.fridaServer === 'running' && h.fridaListening === false
    ? `running${version}, not listening`
    : `${h.fridaServer}${version}`;
}

export function registerDevices(program: Command, ctx: CliContext): void {
  const devices = program
    .command('devices')
    .description('List the farm in devices.yaml and check device health');

  devices
    .command('list')
    .description('List the devices of devices.yaml with their kind, selectors and address')
    .option('--devices <file>', 'devices file', 'devices.yaml')
    .option('--json', 'print JSON')
    .action((opts: { devices: string; json?: boolean }) => {
      const file = loadConfigFile(opts.devices, 'devices');
      const rows = file.devices.map((d) => ({
        name: d.name,
        kind: d.kind,
        address: d.kind === 'adb' ? d.serial : d.kind === 'emulator' ? `avd ${d.avd}` : 'built-in',
        tags: d.tags,
        sdk: d.sdk ?? null,
        abi: d.abi ?? null,
        root: d.root ?? null,
      }));
      if (opts.json) {
        ctx.out(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      const table = new Table({
        head: ['name', 'kind', 'address', 'tags', 'sdk', 'abi', 'root'],
        style: PLAIN,
      });
      for (const r of rows)
        table.push([r.name, r.kind, r.address, r.tags.join(','), r.sdk ?? '', r.abi ?? '', r.root ?? '']);
      ctx.out(`${table.toString()}\n`);
    });

  devices
    .command('check')
    .description('Check each device: state, boot, battery, storage, frida-server, CA installed, clock skew')
    .option('--devices <file>', 'devices file', 'devices.yaml')
    .option('--json', 'print JSON')
    .action(async (opts: { devices: string; json?: boolean }) => {
      const file = loadConfigFile(opts.devices, 'devices');
      const dataDir = ctx.dataDir();
      const caHash = fs.existsSync(caPaths(dataDir).cert) ? subjectHashOld(loadCa(dataDir).cert) : null;
      const scope = new ResourceScope('devices check');
      let health;
      try {
        const farm = await Farm.open(file, scope);
        health = await checkFarm(farm, caHash);
      } finally {
        await scope.releaseAll();
      }
      if (opts.json) {
        ctx.out(`${JSON.stringify(health, null, 2)}\n`);
      } else {
        const table = new Table({
          head: [
            'name',
            'kind',
            'state',
            'model',
            'sdk',
            'boot',
            'battery',
            'free /data',
            'frida',
            'CA',
            'skew',
            'problems',
          ],
          style: PLAIN,
        });
        for (const h of health) {
          table.push([
            h.name,
            h.kind,
            h.state,
            h.model ?? '',
            h.sdk ?? '',
            h.bootCompleted === undefined ? '' : h.bootCompleted ? 'yes' : 'no',
            h.batteryPercent == null ? '' : `${h.batteryPercent}%`,
            h.dataFreeMb == null ? '' : `${h.dataFreeMb} MB`,
            fridaCell(h),
            h.caInstalled ?? (caHash ? '' : 'no CA yet'),
            h.clockSkewMs == null ? '' : `${Math.round(h.clockSkewMs / 1000)} s`,
            h.problems.join('; '),
          ]);
        }
        ctx.out(`${table.toString()}\n`);
        if (!caHash)
          ctx.out(`No interception CA in ${path.join(dataDir, 'ca')} yet: run 'appwarden ca init'.\n`);
      }
      if (health.some((h) => h.state !== 'ok')) throw new CommandExit(1);
    });
}
