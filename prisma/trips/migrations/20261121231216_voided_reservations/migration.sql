-- CreateTable
CREATE TABLE "voided_reservation" (
    "id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "voided_reservation_pkey" PRIMARY KEY ("id")
);
