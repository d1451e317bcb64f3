// Plain Prisma CLI for the notifications domain:
//   npm run prisma -- migrate status --config prisma/notifications/prisma.config.ts
import { domainConfig } from '../domain-config.js';

export default domainConfig('notifications');
