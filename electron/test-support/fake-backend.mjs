// A stand-in for backend/dist/main.js in launcher tests: takes the same arguments, listens on
// the loopback port it is given (0 = any free one) and prints the same listening line.
// TANDEM_FAKE_BACKEND selects a misbehaviour: exit-early, silent, ignore-term.
import { createServer } from 'node:http';

const args = process.argv.slice(2);
const mode = process.env.TANDEM_FAKE_BACKEND ?? 'normal';

/** @param {string} name */
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

console.log('fake backend starting');
console.error('a warning on stderr');

if (mode === 'exit-early') {
  process.exit(3);
}
if (mode === 'ignore-term') {
  process.on('SIGTERM', () => console.log('ignoring SIGTERM'));
}

const server = createServer((req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(
    JSON.stringify({
      args,
      cwd: process.cwd(),
      url: req.url,
      demoCache: process.env.TANDEM_DEMO_CACHE,
      path: process.env.PATH,
    }),
  );
});
server.listen(Number(option('--port') ?? '0'), '127.0.0.1', () => {
  if (mode === 'silent') return;
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  console.log(`tandem-backend listening on http://127.0.0.1:${address.port}`);
});
