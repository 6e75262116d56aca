export interface Foreground {
  package: string;
  activity: string | null;
}

function component(pkg: string, cls: string | undefined): Foreground {
  if (!cls) return { package: pkg, activity: null };
  return { package: pkg, activity: cls.startsWith('.') ? `${pkg}${cls}` : cls };
}

/**
 * The resumed activity from `dumpsys activity activities`, across Android versions:
 * `mResumedActivity: ActivityRecord{… u0 pkg/.Act t12}` (≤ 9), `ResumedActivity: ActivityRecord{…}` (10–12),
 * `topResumedActivity=ActivityRecord{…}` (11+).
 */
export function parseResumedActivity(text: string): Foreground | null {
  const m = text.match(
    /(?:mResumedActivity|ResumedActivity|topResumedActivity)[:=]\s*ActivityRecord\{\S+ u\d+ ([\w.]+)\/([\w.$]+)/,
  );
  return m ? component(m[1] as string, m[2]) : null;
}

/** The focused window from `dumpsys window`: `mCurrentFocus=Window{… u0 pkg/pkg.Act}`. */
export function parseCurrentFocus(text: string): Foreground | null {
  const m = text.match(/mCurrentFocus=Window\{\S+ u\d+ ([\w.]+)(?:\/([\w.$]+))?\}/);
  return m ? component(m[1] as string, m[2]) : null;
}
