#!/usr/bin/env node
// Watch clients for bench/kube-api.ts, in their own process so the server's fan-out is measured
// apart from the clients' reading: opens N watches on a URL, prints "open" once all answered,
// then, for each first event line a watch receives, its wall-clock time; prints JSON and exits.

import http from 'node:http';

const [url, countText] = process.argv.slice(2);
const count = Number(countText);
const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
const received = [];
let opened = 0;
for (let i = 0; i < count; i++) {
  const req = http.get(url, { agent }, (res) => {
    if (++opened === count) process.stdout.write('open\n');
    let got = false;
    res.on('data', () => {
      if (got) return;
      got = true;
      received.push(performance.timeOrigin + performance.now());
      if (received.length === count) {
        process.stdout.write(`${JSON.stringify(received)}\n`);
        process.exit(0);
      }
    });
  });
  req.on('error', (err) => {
    process.stderr.write(`watch ${i}: ${err.message}\n`);
    process.exit(1);
  });
}
