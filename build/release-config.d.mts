// Types for build/release-config.mjs, for the packaging test that imports it.
import type { Configuration } from 'app-builder-lib';
export function releaseConfig(base: Configuration, env: Record<string, string | undefined>): Configuration;
declare const config: Configuration;
export default config;
