import type { SimLink } from '../link.ts';

/** Page source, screenshots and the window's geometry. */

export async function getPageSource(link: SimLink): Promise<string> {
  return (await link.snapshot()).xml;
}

/** Base64 PNG, as WebDriver's Take Screenshot returns it. */
export async function getScreenshot(link: SimLink): Promise<string> {
  return (await link.screenshotPng()).toString('base64');
}

export async function getWindowRect(
  link: SimLink,
): Promise<{ x: number; y: number; width: number; height: number }> {
  const { width, height } = await link.size();
  return { x: 0, y: 0, width, height };
}
