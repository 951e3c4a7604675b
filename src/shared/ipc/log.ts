import { z } from 'zod';

/** Caps on one renderer log line: a buggy page must not be able to fill main's log. */
export const RENDERER_LOG_LIMITS = {
  /** Characters in one message; the renderer cuts longer ones before sending. */
  maxMessage: 1000,
  /** Lines main accepts per window of `windowMs`; the rest are counted and reported once. */
  burst: 20,
  windowMs: 10_000,
} as const;

/**
 * One renderer warning or error on its way to main's log (the `log` invoke). Only these two
 * levels cross: debug noise stays in the page's console.
 */
export const RendererLogSchema = z
  .object({
    level: z.enum(['warn', 'error']),
    /** Which part of the page, as a Logger name: `media`, `bridge`… */
    scope: z.string().regex(/^[a-zA-Z][\w.-]{0,31}$/, 'a short name: letters, digits, . _ -'),
    message: z.string().min(1).max(RENDERER_LOG_LIMITS.maxMessage),
  })
  .strict();
export type RendererLogLine = z.infer<typeof RendererLogSchema>;
