#!/usr/bin/env node
// Entry point of the `parley` command: runs the compiled CLI (run `npm run build` first).
import('../dist/src/cli/main.js').catch((error) => {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/src/cli')) {
    console.error('parley: not built yet. Run `npm run build` in the project folder first.');
    process.exit(2);
  }
  throw error;
});
