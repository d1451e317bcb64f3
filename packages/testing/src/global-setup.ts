import { buildTemplateDatabase, dropDatabaseNamed } from './db.js';

/**
 * Vitest global setup: migrate this run's template database once; test files copy it.
 * Its name goes to the workers through the environment, so concurrent runs never share one.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const template = await buildTemplateDatabase();
  process.env.P2P_TEST_TEMPLATE = template;
  return () => dropDatabaseNamed(template);
}
