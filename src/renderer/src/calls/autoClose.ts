/**
 * The timer behind screens that close by themselves ("Answered on <device>"). A module-level port
 * so tests replace it with a manual one instead of waiting on the wall clock.
 */
export interface AutoCloseTimer {
  start(ms: number, fire: () => void): () => void;
}

const real: AutoCloseTimer = {
  start(ms, fire) {
    const id = setTimeout(fire, ms);
    return () => clearTimeout(id);
  },
};

export const autoCloseTimer: AutoCloseTimer = { start: (ms, fire) => current.start(ms, fire) };
let current: AutoCloseTimer = real;

/** Tests: use `t` until the returned function restores the real timer. */
export function useAutoCloseTimer(t: AutoCloseTimer): () => void {
  current = t;
  return () => {
    current = real;
  };
}
