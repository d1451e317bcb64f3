/** Row columns → the GraphQL value types shared across subgraphs. */
export const moneyOf = (amountMinor: number, currency: string) => ({ amountMinor, currency });

export const placeOf = (p: { address: string; city: string | null; country: string; lat: number; lng: number }) => ({
  address: p.address,
  city: p.city,
  country: p.country,
  point: { lat: p.lat, lng: p.lng },
});

export const userRef = (id: string) => ({ __typename: 'User' as const, id });
export const tripRef = (id: string) => ({ __typename: 'Trip' as const, id });
