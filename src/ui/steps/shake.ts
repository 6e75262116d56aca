import { defineExecutor } from './define.ts';

/**
 * SHAKE(profile) through the sim driver's `sensor shake` on sims. Devices without a shake path are
 * recorded as `unsupported`, not failed: the rules then report DECEIVE-SHAKE-001 not evaluated.
 */
export const shake = defineExecutor({
  name: 'shake',
  async run(j, o) {
    const profile = `${o.acceleration}m/s2-${o.duration}s-${o.rotation}deg`;
    // Marked when the shake began, as a tap is marked when it was issued: a detector fires early.
    const began = j.now();
    const done = await j.driver.shake(o);
    if (!done) return { result: 'unsupported', note: `no shake on a ${j.ctx.deviceKind} device` };
    j.mark(
      'SHAKE',
      profile,
      { accel: o.acceleration, rotationDeg: o.rotation, durationMs: o.duration * 1000, stamped: 'start' },
      'journey',
      began,
    );
    await j.look();
  },
});
