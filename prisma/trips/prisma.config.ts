// Plain Prisma CLI for the trips domain:
//   npm run prisma -- migrate status --config prisma/trips/prisma.config.ts
import { domainConfig } from '../domain-config.js';

export default domainConfig('trips');
