// Types for build/sign-windows.mjs, for the tests that import it.
export type SignPlan = { kind: 'command'; command: string } | { kind: 'certificate' } | { kind: 'skip' };
export function planSign(env: Record<string, string | undefined>, hasCertificate: boolean, file: string): SignPlan;
export function sign(configuration: { path: string; cscInfo?: unknown }, packager: unknown): Promise<void>;
