// The fleet host: one process that runs many hosted programs (schedulers and backup agents) for the pod runtime,
// so that hundreds of scheduler pods fit on one machine; each still binds its own pod IP and writes its own log.
import fs from 'node:fs';
import net from 'node:net';
import { parseArgs } from 'node:util';
import { createLogger } from '../../../../src/log.ts';
import { startHosted, type HostedInstance } from './hosted-programs.ts';
import { onMessages, sendMessage } from './protocol.ts';

const { values } = parseArgs({ options: { socket: { type: 'string' } } });
const socketPath = values.socket;
if (!socketPath) {
  process.stderr.write('usage: fleet-host --socket=PATH\n');
  process.exit(2);
}
const log = createLogger('fleet-host');
// one hosted program's bug must not end the hundreds of others: it is logged, as a crashed container would be
process.on('uncaughtException', (err) => log.error({ err }, 'Uncaught exception in a hosted program'));
process.on('unhandledRejection', (err) => log.error({ err }, 'Unhandled rejection in a hosted program'));

fs.rmSync(socketPath, { force: true });
const server = net.createServer((socket) => {
  const running = new Map<string, HostedInstance>();
  onMessages(socket, (message) => {
    if (message.t === 'start') {
      const instance = startHosted(message);
      running.set(message.id, instance);
      void instance.exited.then((exitCode) => {
        running.delete(message.id);
        sendMessage(socket, { t: 'exited', id: message.id, exitCode });
      });
    } else if (message.t === 'signal') {
      running.get(message.id)?.signal(message.signal);
    }
  });
  // the pod runtime went away: its containers go with it, as they would with the kubelet's node
  socket.on('close', () => {
    for (const instance of running.values()) instance.signal('SIGKILL');
  });
  socket.on('error', (err) => log.warn({ err: err.message }, 'Pod runtime connection failed'));
});
server.listen(socketPath, () => log.info({ socket: socketPath }, 'Fleet host listening'));
const stop = (): void => {
  server.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
