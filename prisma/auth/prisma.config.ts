// Plain Prisma CLI for the auth domain:
//   npm run prisma -- migrate status --config prisma/auth/prisma.config.ts
import { domainConfig } from '../domain-config.js';

export default domainConfig('auth');
