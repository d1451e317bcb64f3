-- AlterEnum
ALTER TYPE "Scope" ADD VALUE 'partner';
