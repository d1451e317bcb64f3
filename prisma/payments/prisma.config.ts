// Plain Prisma CLI for the payments domain:
//   npm run prisma -- migrate status --config prisma/payments/prisma.config.ts
import { domainConfig } from '../domain-config.js';

export default domainConfig('payments');
