import { describe, expect, it } from 'vitest';
import {
  cap,
  highlight,
  jsonForScript,
  link,
  markup,
  neutralise,
  safeHref,
  text,
  trusted,
} from '../../src/report/escape.ts';

describe('report escaping', () => {
  it('escapes every interpolated value for text and quoted attributes', () => {
    const v = `"><img src=x onerror=alert(1)>'&\``;
    expect(markup`<p title="${v}">${v}</p>`.value).toBe(
      '<p title="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&#39;&amp;&#96;">&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&#39;&amp;&#96;</p>',
    );
    expect(markup`${['<b>', trusted('<i>')]}`.value).toBe('&lt;b&gt;<i>');
    expect(markup`${null}${undefined}${false}${0}`.value).toBe('0');
  });

  it('makes links only of http(s) URLs', () => {
    expect(safeHref('javascript:alert(1)')).toBeNull();
    expect(safeHref(' JaVaScRiPt:alert(1)')).toBeNull();
    expect(safeHref('data:text/html,<script>alert(1)</script>')).toBeNull();
    expect(safeHref('vbscript:msgbox')).toBeNull();
    expect(safeHref('/relative')).toBeNull();
    expect(link('javascript:alert(1)').value).toBe('<span class="url">javascript:alert(1)</span>');
    expect(link('https://a.example/?q="><x>').value).toBe(
      '<a href="https://a.example/?q=%22%3E%3Cx%3E" rel="noreferrer noopener" target="_blank">https://a.example/?q=&quot;&gt;&lt;x&gt;</a>',
    );
  });

  it('shows bidi overrides and control characters as visible marks', () => {
    expect(neutralise('\u202Emoc.rekcart')).toBe('⟦U+202E⟧moc.rekcart');
    expect(neutralise('a\u2066b\u0000c\td\ne')).toBe('a⟦U+2066⟧b⟦U+0000⟧c\td\ne');
    expect(text('\u202E<x>').value).toBe('⟦U+202E⟧&lt;x&gt;');
  });

  it('cuts megabyte strings with a marker, not inside a surrogate pair', () => {
    const mega = 'A'.repeat(1_000_000);
    expect(cap(mega, 10)).toBe('AAAAAAAAAA … [999990 more characters cut]');
    expect(cap(`${'A'.repeat(9)}😀tail`, 10)).toBe(`${'A'.repeat(9)} … [6 more characters cut]`);
    expect(text(mega).value.length).toBeLessThan(4200);
  });

  it('embeds JSON that cannot end its script element and parses back unchanged', () => {
    const v = { s: '</script><!--<script>&\u2028\u2029\u202E' };
    const j = jsonForScript(v);
    expect(j).not.toMatch(/[<>&\u2028\u2029\u202E]/);
    expect(JSON.parse(j)).toEqual(v);
  });

  it('highlights every occurrence of the matched values, escaped, in a window around the first', () => {
    expect(highlight('id=<861>&x=861', ['861']).value).toBe(
      'id=&lt;<mark>861</mark>&gt;&amp;x=<mark>861</mark>',
    );
    const long = `${'x'.repeat(10_000)}SECRET${'y'.repeat(10_000)}`;
    const h = highlight(long, ['SECRET'], 100).value;
    expect(h).toContain('<mark>SECRET</mark>');
    expect(h).toMatch(/^\[\d+ characters before\] … x+<mark>/);
    expect(h).toMatch(/ … \[\d+ more characters cut\]$/);
    expect(h.length).toBeLessThan(200);
  });
});
