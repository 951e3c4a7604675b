/** Token bucket: `ratePerSec` sustained, `burst` at once. */
export class RateLimiter {
  readonly #rate: number;
  readonly #burst: number;
  #tokens: number;
  #last: number;

  constructor(ratePerSec: number, burst: number, now: number) {
    this.#rate = ratePerSec;
    this.#burst = burst;
    this.#tokens = burst;
    this.#last = now;
  }

  take(now: number): boolean {
    this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#last) / 1000) * this.#rate);
    this.#last = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
