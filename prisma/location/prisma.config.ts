// Plain Prisma CLI for the location domain:
//   npm run prisma -- migrate status --config prisma/location/prisma.config.ts
import { domainConfig } from '../domain-config.js';

export default domainConfig('location');
