import { z } from 'zod';

/**
 * How this node serves other nodes' members (docs/deployment-server.md, "Media across nodes"):
 * the internal relay listener, and how often its workers' load goes to Redis.
 */
export const SfuClusterConfigSchema = z
  .object({
    /** Where the node-to-node relay listens. Other nodes must reach it; clients never do. */
    relayHost: z.string().min(1).max(64).default('0.0.0.0'),
    /** The relay's TCP port (0: any free port, tests). */
    relayPort: z.number().int().min(0).max(65535).default(8790),
    /** The URL other nodes dial (ws://host:port/relay). Default: relayHost (or this machine's first LAN IPv4) and the bound port. */
    relayUrl: z.string().regex(/^wss?:\/\//, 'a ws:// or wss:// URL').max(255).optional(),
    /** How often this node writes its workers' load to Redis. */
    loadReportMs: z.number().int().min(100).max(60_000).default(2000),
    /** How long a report lives: a node silent this long (dead) drops out of placement. */
    loadTtlMs: z.number().int().min(300).max(300_000).default(6000),
    /** A relayed request unanswered this long fails with sfu_unavailable. */
    relayTimeoutMs: z.number().int().min(100).max(120_000).default(10_000),
  })
  .strict()
  .refine((c) => c.loadTtlMs > c.loadReportMs, { message: 'loadTtlMs must exceed loadReportMs (a live node would flicker out of placement)', path: ['loadTtlMs'] });
export type SfuClusterConfig = z.infer<typeof SfuClusterConfigSchema>;

/**
 * The `sfu` section of the server config. Every worker gets one WebRtcServer (one UDP and one TCP
 * port), so a firewall needs two rules per worker whatever the number of calls.
 */
export const SfuConfigSchema = z
  .object({
    /** Off: the server never starts a worker and answers every sfu* request with sfu_unavailable. */
    enabled: z.boolean().default(true),
    /** mediasoup Workers (one process each). Default: one per core (os.availableParallelism()). */
    numWorkers: z.number().int().min(1).max(128).optional(),
    /** The worker's own log level (its lines go to the server's log). */
    logLevel: z.enum(['debug', 'warn', 'error', 'none']).default('warn'),
    /** Ports for transports outside the WebRtcServer (PlainTransports: benchmarks, recorders). */
    rtcMinPort: z.number().int().min(1024).max(65535).default(40100),
    rtcMaxPort: z.number().int().min(1024).max(65535).default(49999),
    /** Where the WebRtcServers listen. 0.0.0.0 serves loopback and the LAN alike. */
    listenIp: z.string().min(1).max(64).default('0.0.0.0'),
    /**
     * The address put in ICE candidates: what clients send media to. Default: listenIp when it is a
     * specific address, else this machine's first non-internal IPv4, else 127.0.0.1. Set it to the
     * public address (or name) behind NAT.
     */
    announcedAddress: z.string().min(1).max(255).optional(),
    /** Worker i listens on this port + i (UDP and TCP). 0: any free port (tests). */
    webRtcServerPort: z.number().int().min(0).max(65535).default(40000),
    /** Cap on what one send transport may push to the server, in bits per second. */
    maxIncomingBitrate: z.number().int().min(100_000).default(5_000_000),
    /** mediasoup's first estimate of a recv transport's downlink, in bits per second. */
    initialAvailableOutgoingBitrate: z.number().int().min(100_000).default(1_000_000),
    /** Media across nodes (server/cluster/media); read only when the server runs as a cluster. */
    cluster: SfuClusterConfigSchema.prefault({}),
  })
  .strict()
  .refine((c) => c.rtcMinPort <= c.rtcMaxPort, { message: 'rtcMinPort must not exceed rtcMaxPort', path: ['rtcMinPort'] });
export type SfuConfig = z.infer<typeof SfuConfigSchema>;
export type SfuConfigInput = z.input<typeof SfuConfigSchema>;
