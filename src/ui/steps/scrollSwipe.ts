import type { Direction } from '../../config/steps/scroll.ts';

/** A finger stroke across the middle of the screen, 60% of its size. */
export function stroke(size: { width: number; height: number }, finger: Direction) {
  const cx = size.width / 2;
  const cy = size.height / 2;
  const dx = size.width * 0.3;
  const dy = size.height * 0.3;
  switch (finger) {
    case 'up':
      return { from: { x: cx, y: cy + dy }, to: { x: cx, y: cy - dy } };
    case 'down':
      return { from: { x: cx, y: cy - dy }, to: { x: cx, y: cy + dy } };
    case 'left':
      return { from: { x: cx + dx, y: cy }, to: { x: cx - dx, y: cy } };
    case 'right':
      return { from: { x: cx - dx, y: cy }, to: { x: cx + dx, y: cy } };
  }
}

/** Content moving `direction` means the finger moves the other way. */
export const OPPOSITE: Readonly<Record<Direction, Direction>> = {
  up: 'down',
  down: 'up',
  left: 'right',
  right: 'left',
};
