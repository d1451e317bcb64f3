/** Row columns → the GraphQL value types shared across subgraphs. */
export const moneyOf = (amountMinor: number, currency: string) => ({ amountMinor, currency });

export const userRef = (id: string) => ({ __typename: 'User' as const, id });
export const tripRef = (id: string) => ({ __typename: 'Trip' as const, id });
