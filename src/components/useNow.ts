/**
 * A React hook giving the current time, refreshed periodically, so relative
 * times ("5 minutes ago") and countdowns stay true without other changes.
 */
import { useEffect, useState } from 'react';

/**
 * The current time (epoch ms), updated every `interval` ms while mounted.
 */
export function useNow(interval: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), interval);
    return () => clearInterval(timer);
  }, [interval]);
  return now;
}
