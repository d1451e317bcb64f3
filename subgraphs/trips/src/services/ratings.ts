import type { PrismaClient } from '../generated/prisma/client.js';
import type { TripTables } from './sql.js';

export interface RatingChange {
  userId: string;
  averageRating: number;
  ratingCount: number;
}

type Db = Pick<PrismaClient, '$executeRaw'>;

/** A copy of users' rating figures, kept only to rank matches (users stays their owner). */
export class TravelerRatings {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly tables: TripTables,
  ) {}

  /**
   * Events may arrive out of order (retries, several relays): a change older than the stored one
   * is ignored. Nonsense figures are dropped rather than retried forever.
   */
  async apply(change: RatingChange, asOf: Date, db: Db = this.prisma): Promise<boolean> {
    const { averageRating, ratingCount } = change;
    if (!Number.isFinite(averageRating) || averageRating < 0 || averageRating > 5) return false;
    if (!Number.isInteger(ratingCount) || ratingCount < 0) return false;
    const written = await db.$executeRaw`
      INSERT INTO ${this.tables.rating} AS r (user_id, average_rating, rating_count, as_of)
      VALUES (${change.userId}::uuid, ${averageRating}::float8, ${ratingCount}::int, ${asOf}::timestamptz)
      ON CONFLICT (user_id) DO UPDATE
        SET average_rating = EXCLUDED.average_rating, rating_count = EXCLUDED.rating_count, as_of = EXCLUDED.as_of
        WHERE r.as_of <= EXCLUDED.as_of`;
    return written > 0;
  }
}
