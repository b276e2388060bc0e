// npm run deploy-button: prints the README's "Deploy with Vercel" button for package.json's repository
// (a fork sets its own there, then pastes this into the README).
import { deployButton } from './lib/deploy-button';
import { PROJECT_ROOT } from './lib/migrate';

console.log(deployButton(PROJECT_ROOT));
