// After `npm install`: build the web app so `npm start` can serve it. A failure here is loud,
// not silent, because a server without its app is not the product.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

if (existsSync('client/index.html')) {
  execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn'], {
    stdio: 'inherit',
  });
}
