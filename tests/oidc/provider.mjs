// An OpenID Connect provider on 127.0.0.1 for the tests (oauth2-mock-server, from npm).
// It prints its issuer URL as the first line of output. Each line read on standard input
// is a JSON object of claims for the people who sign in from then on (email,
// preferred_username, email_verified, sub...); it answers "ok" once they are in force.
// A claim given as null is left out of the tokens.
import { createInterface } from "node:readline";

import { OAuth2Server } from "oauth2-mock-server";

const server = new OAuth2Server();
await server.issuer.keys.generate("RS256");
await server.start(0, "127.0.0.1");
server.issuer.url = `http://127.0.0.1:${server.address().port}`;

let claims = {};
server.service.on("beforeTokenSigning", (token) => {
  for (const [name, value] of Object.entries(claims)) {
    if (value === null) delete token.payload[name];
    else token.payload[name] = value;
  }
});
server.service.on("beforeUserinfo", (response) => {
  response.body = { sub: claims.sub ?? "johndoe" };
});

process.stdout.write(`${server.issuer.url}\n`);
const lines = createInterface({ input: process.stdin });
lines.on("line", (line) => {
  claims = JSON.parse(line);
  process.stdout.write("ok\n");
});
lines.on("close", async () => {
  await server.stop();
  process.exit(0);
});
