/** Resolver parents for codegen (root codegen.ts): what each type's resolvers receive. */
export const mappers = {
  HandoverCode: '../services/codes.js#CodeView',
  HandoverScan: './prisma/client.js#HandoverScan as HandoverScanRow',
  HandoverOverride: './prisma/client.js#HandoverOverride as HandoverOverrideRow',
  HandoverResult: '../services/handovers.js#HandoverResult as HandoverResultModel',
  HandoverCodes: '../resolvers/Delivery.js#CodesParent',
};
