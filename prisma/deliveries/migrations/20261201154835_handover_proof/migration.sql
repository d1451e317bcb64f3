-- AlterTable
ALTER TABLE "delivery_status_change" ADD COLUMN     "proof_id" UUID,
ADD COLUMN     "proof_method" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "delivery_status_change_proof_id_key" ON "delivery_status_change"("proof_id");
