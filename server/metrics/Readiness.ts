import { errorMessage } from '../../src/shared/errors.ts';

/** One thing the server needs before it should get traffic. */
export interface ReadinessCheck {
  readonly name: string;
  /** Resolves `null` when ready, else why not (shown in /readyz's JSON). Must not throw; a throw counts as not ready. */
  check(): Promise<string | null> | string | null;
}

export interface ReadinessReport {
  ready: boolean;
  /** Each check's result: "ok" or the reason. */
  checks: Record<string, string>;
}

/**
 * The list /readyz evaluates. A component adds its own check with one line:
 * `server.readiness.add({ name: 'storage', check: () => (healthy ? null : 'disk full') })`.
 */
export class Readiness {
  readonly #checks: ReadinessCheck[] = [];

  add(check: ReadinessCheck): void {
    if (this.#checks.some((c) => c.name === check.name)) throw new TypeError(`readiness check "${check.name}" is already registered`);
    this.#checks.push(check);
  }

  async evaluate(): Promise<ReadinessReport> {
    const results = await Promise.all(
      this.#checks.map(async (c): Promise<[string, string | null]> => {
        try {
          return [c.name, await c.check()];
        } catch (e) {
          return [c.name, `check failed: ${errorMessage(e)}`];
        }
      }),
    );
    const checks: Record<string, string> = {};
    for (const [name, why] of results) checks[name] = why ?? 'ok';
    return { ready: results.every(([, why]) => why === null), checks };
  }
}
