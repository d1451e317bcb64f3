import { DateTime, SecretBox, defineSubgraph } from '@p2p/kit';
import { PrismaClient } from './generated/prisma/client.js';
import type { Resolvers } from './generated/graphql.js';
import { loadQrConfig } from './config.js';
import type { QrServices } from './context.js';
import { events } from './events.js';
import { eventHandlers } from './jobs/events.js';
import { Delivery } from './resolvers/Delivery.js';
import { Mutation } from './resolvers/Mutation.js';
import { Query } from './resolvers/Query.js';
import { HandoverOverride, HandoverResult, HandoverScan } from './resolvers/types.js';
import { Codes } from './services/codes.js';
import { DeliveriesClient } from './services/deliveries.js';
import { Handovers } from './services/handovers.js';
import { Overrides } from './services/overrides.js';
import { CodeSigner } from './services/signer.js';

const resolvers: Resolvers = { DateTime, Query, Mutation, Delivery, HandoverScan, HandoverOverride, HandoverResult };

export default defineSubgraph({
  name: 'qr',
  config: loadQrConfig,
  prisma: PrismaClient,
  resolvers,
  events,
  services: ({ config, prisma, outbox, calls }): QrServices => {
    const box = new SecretBox(config.QR_ENCRYPTION_SECRET, 'qr');
    const signer = new CodeSigner(prisma, box);
    const codes = new Codes(prisma, box, signer, config.QR_EXPIRY_GRACE_HOURS);
    const deliveries = new DeliveriesClient(calls);
    const limits = { radiusM: config.QR_ZONE_RADIUS_M, maxBackupFailures: config.QR_BACKUP_MAX_FAILURES };
    return {
      codes,
      handovers: new Handovers(prisma, outbox, codes, signer, deliveries, limits),
      overrides: new Overrides(prisma, outbox, deliveries),
      partiesOf: async (deliveryIds) => {
        const rows = await prisma.handover.findMany({ where: { deliveryId: { in: [...deliveryIds] } } });
        return new Map(rows.map((r) => [r.deliveryId, { customerId: r.customerId, travelerId: r.travelerId }]));
      },
    };
  },
  context: (base, qr) => ({ ...base, qr }),
  handlers: eventHandlers,
});
