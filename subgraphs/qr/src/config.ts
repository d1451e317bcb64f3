import { z } from 'zod';
import { subgraphConfig, type Env } from '@p2p/kit';

const shape = {
  /** Secret that seals the codes' tokens, backup codes and the signing key at rest. */
  QR_ENCRYPTION_SECRET: z.string().min(32).default('dev-qr-encryption-secret-change-me-0123456789abc'),
  /** How far from the pickup or drop-off point a scan may be made, in metres. */
  QR_ZONE_RADIUS_M: z.coerce.number().min(10).max(5000).default(150),
  /** A code stays valid this long after the stage's window closes (late pickups, late deliveries). */
  QR_EXPIRY_GRACE_HOURS: z.coerce.number().int().min(0).max(720).default(48),
  /** Wrong backup codes before the backup code locks. */
  QR_BACKUP_MAX_FAILURES: z.coerce.number().int().min(1).max(20).default(5),
};

export type QrConfig = ReturnType<typeof loadQrConfig>;

export const loadQrConfig = (env: Env = process.env) => subgraphConfig('qr', shape, env);
