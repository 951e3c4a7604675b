import { Counter, type Registry } from 'prom-client';

/**
 * A Prometheus counter that mirrors a running total kept elsewhere (a stats object): at each scrape
 * it is set to `read()`, so the hot path only bumps a plain number.
 */
export function counterFrom(registers: Registry[], name: string, help: string, read: () => number): void {
  new Counter({
    name,
    help,
    registers,
    collect() {
      this.reset();
      this.inc(read());
    },
  });
}
