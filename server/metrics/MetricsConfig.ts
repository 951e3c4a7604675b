import { z } from 'zod';

/**
 * The `metrics` section: /metrics (Prometheus) and /readyz live on their own plain-HTTP listener,
 * bound to loopback by default, so nothing about the server's internals is reachable from the
 * address clients use. Bind it to a private interface for a remote Prometheus.
 */
export const MetricsConfigSchema = z
  .object({
    enabled: z.boolean().default(true),
    host: z.string().min(1).default('127.0.0.1'),
    /** 0: any free port (tests). */
    port: z.number().int().min(0).max(65535).default(9464),
  })
  .strict();
export type MetricsConfig = z.infer<typeof MetricsConfigSchema>;
