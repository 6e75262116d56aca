import { errors } from '@appium/base-driver';
import type { SimLink } from '../link.ts';

/** Keys and W3C pointer actions, delivered with `input keyevent|tap|swipe`. */

export const KEYCODE = { HOME: 3, BACK: 4 } as const;

export async function back(link: SimLink): Promise<void> {
  await link.keyevent(KEYCODE.BACK);
}

export async function pressKeyCode(link: SimLink, keycode: unknown): Promise<void> {
  if (typeof keycode !== 'number' || !Number.isInteger(keycode) || keycode < 0) {
    throw new errors.InvalidArgumentError(
      `keycode must be a non-negative integer (got ${JSON.stringify(keycode)})`,
    );
  }
  await link.keyevent(keycode);
}

interface PointerAction {
  type: string;
  value?: string;
  x?: number;
  y?: number;
  duration?: number;
  origin?: unknown;
}

/** WebDriver's special keys (the Unicode private-use code points) the sim maps to Android key codes. */
const SPECIAL_KEYS: Readonly<Record<string, number>> = {
  '\uE003': 67, // Backspace → KEYCODE_DEL
  '\uE017': 112, // Delete → KEYCODE_FORWARD_DEL
  '\uE006': 66, // Return → KEYCODE_ENTER
  '\uE007': 66, // Enter → KEYCODE_ENTER
  '\uE004': 61, // Tab → KEYCODE_TAB
  '\uE00C': 111, // Escape → KEYCODE_ESCAPE
};

/** A key sequence: characters typed with `input text`, special keys as key events, in order. */
async function typeKeys(link: SimLink, actions: PointerAction[]): Promise<void> {
  let text = '';
  const flush = async (): Promise<void> => {
    if (text) await link.run(['input', 'text', text.replace(/ /g, '%s')]);
    text = '';
  };
  for (const a of actions) {
    if (a.type !== 'keyDown' || a.value === undefined) continue;
    // WebDriver's Space key types a space.
    if (a.value === '\uE00D') {
      text += ' ';
      continue;
    }
    const special = SPECIAL_KEYS[a.value];
    if (special) {
      await flush();
      await link.keyevent(special);
    } else if (/^[\uE000-\uF8FF]$/.test(a.value)) {
      // Modifier and navigation keys have no text; the sim's fields ignore them as Android's do.
      continue;
    } else text += a.value;
  }
  await flush();
}

interface ActionSequence {
  type: string;
  id?: string;
  actions?: PointerAction[];
}

/** A pointer moved this little between down and up is a tap (Android's touch slop is ~8 dp). */
const TAP_SLOP_PX = 10;

/**
 * W3C actions, the common shapes only: each pointer sequence is one touch — down and up in place is a
 * tap, a move while down is a swipe (its duration from the moves and pauses in between). Origins other
 * than the viewport (element, pointer-relative) are refused: clients can compute coordinates.
 */
export async function performActions(link: SimLink, sequences: ActionSequence[]): Promise<void> {
  for (const seq of sequences) {
    if (seq.type === 'pause' || seq.type === 'none') continue;
    if (seq.type === 'key') {
      await typeKeys(link, seq.actions ?? []);
      continue;
    }
    if (seq.type !== 'pointer') {
      throw new errors.NotImplementedError(
        `'${seq.type}' action sequences are not supported by the sim driver`,
      );
    }
    let x = 0;
    let y = 0;
    let down: { x: number; y: number } | undefined;
    let heldMs = 0;
    for (const a of seq.actions ?? []) {
      switch (a.type) {
        case 'pointerMove':
          if (a.origin !== undefined && a.origin !== 'viewport') {
            throw new errors.NotImplementedError(
              'The sim driver takes pointer moves relative to the viewport only',
            );
          }
          x = a.x ?? x;
          y = a.y ?? y;
          if (down) heldMs += a.duration ?? 0;
          break;
        case 'pointerDown':
          down = { x, y };
          heldMs = 0;
          break;
        case 'pause':
          if (down) heldMs += a.duration ?? 0;
          break;
        case 'pointerUp': {
          if (!down) break;
          const moved = Math.hypot(x - down.x, y - down.y);
          if (moved < TAP_SLOP_PX) await link.tap(down.x, down.y);
          else {
            const nums = [down.x, down.y, x, y, Math.max(1, heldMs)].map((v) => String(Math.round(v)));
            await link.run(['input', 'swipe', ...nums]);
          }
          down = undefined;
          break;
        }
        default:
          throw new errors.NotImplementedError(
            `Pointer action '${a.type}' is not supported by the sim driver`,
          );
      }
    }
  }
}
