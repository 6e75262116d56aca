import { describe, expect, it } from 'vitest';
import { parseCommandLine, ShellSyntaxError } from '../../src/sim/shell/split.ts';

const argvs = (line: string): string[][][] =>
  parseCommandLine(line).map((p) => p.commands.map((c) => c.argv));

describe('sh-like command line parser', () => {
  it('splits words with quotes and escapes as sh does', () => {
    expect(argvs(`echo 'a b' "c \\"d\\"" e\\ f g"h i"`)).toEqual([[['echo', 'a b', 'c "d"', 'e f', 'gh i']]]);
  });

  it('parses what adb 29 sends for logcat and uninstall', () => {
    const p = parseCommandLine(`export ANDROID_LOG_TAGS="''" ; exec logcat '-d'`);
    expect(p.map((x) => x.commands[0]?.argv)).toEqual([
      ['export', "ANDROID_LOG_TAGS=''"],
      ['exec', 'logcat', '-d'],
    ]);
    expect(argvs(`cmd package 'uninstall' 'com.x'`)).toEqual([[['cmd', 'package', 'uninstall', 'com.x']]]);
  });

  it('joins pipelines with ; && || and pipes with |, keeping redirections', () => {
    const p = parseCommandLine('a | b 2>/dev/null && c || d; e 2>&1 > out.txt');
    expect(p.map((x) => x.joiner)).toEqual([';', '&&', '||', ';']);
    expect(p[0]?.commands.map((c) => c.argv[0])).toEqual(['a', 'b']);
    expect(p[0]?.commands[1]?.redirects).toEqual([{ fd: 2, target: '/dev/null', append: false }]);
    expect(p[3]?.commands[0]?.redirects).toEqual([
      { fd: 2, target: '&1', append: false },
      { fd: 1, target: 'out.txt', append: false },
    ]);
  });

  it('reads leading NAME=value as environment, and ignores comments', () => {
    const p = parseCommandLine('ANDROID_LOG_TAGS=*:S logcat -d # comment');
    expect(p[0]?.commands[0]).toMatchObject({ env: { ANDROID_LOG_TAGS: '*:S' }, argv: ['logcat', '-d'] });
  });

  it('fails on unterminated quotes and dangling operators', () => {
    expect(() => parseCommandLine("echo 'abc")).toThrow(ShellSyntaxError);
    expect(() => parseCommandLine('| grep x')).toThrow(ShellSyntaxError);
    expect(() => parseCommandLine('echo >')).toThrow(ShellSyntaxError);
  });
});
