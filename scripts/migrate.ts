// Applies every domain's pending migrations (what `npm start` does first).
import { migrateAll } from '@p2p/kit';

const applied = await migrateAll();
for (const [domain, names] of Object.entries(applied)) {
  console.log(`${domain}: ${names.length === 0 ? 'up to date' : `applied ${names.join(', ')}`}`);
}
