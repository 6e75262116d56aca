import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

describe('cli', () => {
  it('lists every command with a description in --help', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const name of [
      'run',
      'demo',
      'devices',
      'sessions',
      'export',
      'import',
      'doctor',
      'analyze',
      'report',
    ]) {
      expect(r.out).toMatch(new RegExp(`\\n  ${name}\\b.*\\S`));
    }
  });

  it('fails with exit 2 on an unknown command, naming it, printing nothing on stdout', async () => {
    const r = await runCli(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/unknown command 'frobnicate'/);
  });

  it('exits 2 on an unknown option', async () => {
    const r = await runCli(['doctor', '--bogus']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown option '--bogus'/);
  });
});
