import { MissingExtensionsError, buildTemplateDatabase, dropDatabaseNamed } from './db.js';

/**
 * Vitest global setup: migrate this run's template database once; test files copy it.
 * Its name goes to the workers through the environment, so concurrent runs never share one.
 */
export default async function setup(): Promise<() => Promise<void>> {
  let template: string;
  try {
    template = await buildTemplateDatabase();
  } catch (err) {
    if (!(err instanceof MissingExtensionsError)) throw err;
    // What to install, not a stack trace.
    console.error(`\n${err.message}\n`);
    process.exit(1);
  }
  process.env.P2P_TEST_TEMPLATE = template;
  return () => dropDatabaseNamed(template);
}
