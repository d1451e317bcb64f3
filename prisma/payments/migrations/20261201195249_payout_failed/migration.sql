-- AlterEnum
ALTER TYPE "PayoutStatus" ADD VALUE 'FAILED';
