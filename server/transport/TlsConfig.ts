import { z } from 'zod';

/**
 * The `tls` section: PEM files the server reads at start and again on SIGHUP. With it the public
 * listener speaks wss:// and https://; without it, plain ws:// (put a TLS proxy in front).
 */
export const TlsConfigSchema = z
  .object({
    /** The certificate, optionally followed by its intermediates (a "fullchain" file). */
    certFile: z.string().min(1),
    /** The private key of that certificate (unencrypted PEM). */
    keyFile: z.string().min(1),
    /** Extra intermediate CA certificates, sent with the certificate when certFile holds only the leaf. */
    caFile: z.string().min(1).optional(),
  })
  .strict();
export type TlsConfig = z.infer<typeof TlsConfigSchema>;
