// Plain Prisma CLI for the qr domain:
//   npm run prisma -- migrate status --config prisma/qr/prisma.config.ts
import { domainConfig } from '../domain-config.js';

export default domainConfig('qr');
