/** `npm run provision`: obtain every local service binary (cached, idempotent). */
import { provision, ProvisionError } from './provisioning';

try {
  const paths = provision();
  console.log(`[provision] temporal: ${paths.temporal}`);
  console.log(`[provision] temporal-test-server: ${paths.testServer}`);
  console.log(`[provision] ferretdb: ${paths.ferretdb || '(not needed: MONGODB_URI is set)'}`);
} catch (err) {
  if (err instanceof ProvisionError) {
    console.error(`[provision] ${err.message}`);
    process.exit(1);
  }
  throw err;
}
