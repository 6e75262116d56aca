/**
 * Agent timestamps → session time. The agent stamps calls with its own clock (the device's wall clock
 * under Frida); the session's `t` is ms on the host's monotonic clock since the session started. At
 * attach the host samples the agent clock a few times and keeps the sample with the shortest round
 * trip (NTP's minimum-delay filter), assuming the reply was stamped mid-way.
 */

export interface ClockSample {
  /** Host session time just before asking. */
  sent: number;
  /** Agent clock in the reply. */
  agent: number;
  /** Host session time when the reply arrived. */
  received: number;
}

export interface AgentClock {
  /** agent ms − session ms at the same instant. */
  readonly offset: number;
  /** Half the best round trip: how far off a mapped time may be. */
  readonly uncertainty: number;
  toSession(agentTs: number): number;
}

export function clockFromOffset(offset: number, uncertainty = 0): AgentClock {
  return {
    offset,
    uncertainty,
    toSession: (agentTs) => Math.round((agentTs - offset) * 1000) / 1000,
  };
}

export function clockFromSamples(samples: readonly ClockSample[]): AgentClock {
  let best: ClockSample | undefined;
  for (const s of samples) {
    if (s.received < s.sent) continue;
    if (best === undefined || s.received - s.sent < best.received - best.sent) best = s;
  }
  if (best === undefined) {
    throw new Error(
      'Failed to map the agent clock: no valid clock sample (each needs received >= sent). Re-attach the agent.',
    );
  }
  const mid = (best.sent + best.received) / 2;
  return clockFromOffset(best.agent - mid, (best.received - best.sent) / 2);
}

/** Samples `agentNow` `count` times against `sessionNow` and builds the mapping. */
export async function measureAgentClock(
  agentNow: () => Promise<number>,
  sessionNow: () => number,
  count = 5,
): Promise<AgentClock> {
  const samples: ClockSample[] = [];
  for (let i = 0; i < count; i++) {
    const sent = sessionNow();
    const agent = await agentNow();
    samples.push({ sent, agent, received: sessionNow() });
  }
  return clockFromSamples(samples);
}
