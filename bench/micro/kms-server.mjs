// The fixed KMS answer for bench/micro/kms-call.ts: list-grants, 20 grants, Content-Length, keep-alive.
import { createServer } from 'node:http';
const grants = Array.from({ length: 20 }, (_, i) => ({
  key_id: '05c5d675-9f63-45fa-8654-97bd2dba4059',
  grant_id: 'a'.repeat(60) + String(1000 + i),
  grantee_principal: 'b'.repeat(32),
  grantee_principal_type: 'user',
  operations: ['describe-key', 'encrypt-data'],
  issuing_principal: 'c'.repeat(32),
  creation_date: '1700000000000',
  name: `bench-grant-${i}`,
}));
const body = JSON.stringify({ grants, next_marker: 'm:abc', truncated: 'true', total: 100 });
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
