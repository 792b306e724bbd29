/**
 * The elapsed time of a run that is going, as the panel counts it.
 *
 * #### Notes
 * A run's final duration is Saturn's `last_seen - start_time`; while the
 * run goes, the server sends the same difference as Saturn last saw it
 * alive (`duration`, read at most every 10 s). Counting from the browser's
 * clock instead (now minus `started`) runs ahead of that: by any skew
 * between the browser's and Saturn's clocks, and by up to a read interval
 * after the run really ended (it went 0 → 9 s, then the final duration said
 * 7 s). So the counter is anchored to what the server confirmed: between two
 * confirmations it moves at one second per second, from what it showed
 * towards the newest confirmed value, and never past it. It never shows more
 * than the final duration (which is at least every value confirmed before),
 * never goes backwards, and the browser's clock only measures time passing,
 * so skew does not matter.
 */

/**
 * What a live counter knows: it moves from `from` (seconds) at `at` (epoch
 * ms, the browser's clock) towards `to`, the latest confirmed duration.
 */
export interface IRunClock {
  readonly from: number;
  readonly to: number;
  readonly at: number;
}

/**
 * The seconds a live counter shows at `now`.
 */
export function runClockSeconds(clock: IRunClock, now: number): number {
  return Math.min(clock.to, clock.from + Math.max(0, now - clock.at) / 1000);
}

/**
 * The counter after the server's duration of the run (`confirmed`, seconds,
 * or null when unknown) was seen at `now`.
 *
 * @param clock - the counter so far, or null for a run first seen now
 * @param confirmed - the run's `duration` as the server sent it
 * @param now - the current time (epoch ms)
 * @returns the counter, or null while no duration is known
 */
export function advanceRunClock(
  clock: IRunClock | null,
  confirmed: number | null,
  now: number
): IRunClock | null {
  if (confirmed === null || !Number.isFinite(confirmed)) {
    return clock;
  }
  const value = Math.max(0, confirmed);
  if (clock === null) {
    // First seen: what Saturn confirmed, nothing more.
    return { from: value, to: value, at: now };
  }
  if (value === clock.to) {
    return clock;
  }
  // Continue from what is shown now (never backwards), towards the new value.
  const shown = runClockSeconds(clock, now);
  return { from: Math.min(shown, value), to: value, at: now };
}
