import { startE2eServer } from '../../../scripts/app-server.ts';

/**
 * Builds the app if stale and starts one server for the whole run. Its URL reaches the specs
 * through MUSTER_E2E_URL and its data directory (the dev mailbox) through MUSTER_E2E_DATA_DIR
 * (workers start after this and inherit the environment).
 */
export default async function globalSetup() {
  const server = await startE2eServer();
  process.env.MUSTER_E2E_URL = server.url;
  process.env.MUSTER_E2E_DATA_DIR = server.dataDir;
  return () => server.stop();
}
