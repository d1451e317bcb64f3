-- CreateEnum
CREATE TYPE "PayoutSchedule" AS ENUM ('INSTANT', 'WEEKLY');

-- AlterTable
ALTER TABLE "payout_account" ADD COLUMN     "schedule" "PayoutSchedule" NOT NULL DEFAULT 'INSTANT',
ADD COLUMN     "weekly_on" INTEGER NOT NULL DEFAULT 1;
