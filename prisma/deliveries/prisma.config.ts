// Plain Prisma CLI for the deliveries domain:
//   npm run prisma -- migrate status --config prisma/deliveries/prisma.config.ts
import { domainConfig } from '../domain-config.js';

export default domainConfig('deliveries');
