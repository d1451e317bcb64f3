import type { ServiceClient } from '@p2p/kit';
import type { Stage } from './signer.js';

export type ProofMethod = 'QR' | 'BACKUP_CODE' | 'OVERRIDE';

const RECORD = /* GraphQL */ `
  mutation RecordHandover($input: RecordHandoverInput!) {
    _recordHandover(input: $input) {
      id
      status
    }
  }
`;

/**
 * deliveries' internal operation that moves a delivery on the proof of a stage. Idempotent by
 * the proof's id, so a retry after a lost answer moves nothing twice.
 */
export class DeliveriesClient {
  constructor(private readonly client: ServiceClient) {}

  async recordHandover(
    input: { deliveryId: string; stage: Stage; proofId: string; method: ProofMethod; byUserId: string },
    requestId?: string,
  ): Promise<{ id: string; status: string }> {
    const data = await this.client.request<{ _recordHandover: { id: string; status: string } }>(
      'deliveries',
      RECORD,
      { input },
      requestId,
    );
    return data._recordHandover;
  }
}
