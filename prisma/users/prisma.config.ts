// Plain Prisma CLI for the users domain:
//   npm run prisma -- migrate status --config prisma/users/prisma.config.ts
import { domainConfig } from '../domain-config.js';

export default domainConfig('users');
