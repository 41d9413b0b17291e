import type { RunningEmulator } from '../emulator/index.ts';
import type { RunningGateway } from '../server/gateway.ts';
import type { DemoPreset } from '../web/index.ts';

/**
 * What the development shell prints once everything listens: where the gateway and the
 * emulator are, the demo users' tokens, and a `curl` line to try the preset key with.
 */
export function helpLines(gateway: RunningGateway, emulator: RunningEmulator, preset: DemoPreset): string[] {
  return [
    `KMS grants gateway: ${gateway.graphqlUrl}`,
    `KMS: embedded emulator at ${emulator.url} (project ${emulator.projectId}); set KMS_ENDPOINT and KMS_PROJECT_ID for a real KMS.`,
    `Open ${gateway.graphqlUrl} in a browser: GraphiQL has alice's demo token in its headers already.`,
    `Demo page: ${gateway.url}/ (token and the 100-grant demo key prefilled).`,
    `Demo tokens (valid 24 h), send as X-Auth-Token:`,
    ...Object.values(emulator.demo).map((user) => `  ${user.name}: ${user.token}`),
    `Try it from a shell:`,
    `  TOKEN='${preset.token}'`,
    `  curl -s ${gateway.graphqlUrl} -H 'content-type: application/json' -H "X-Auth-Token: $TOKEN" \\`,
    `    -d '{"query":"{ grants(keyId: \\"${preset.keyId}\\", first: 3) { totalCount edges { node { grantId } } } }"}'`,
  ];
}
