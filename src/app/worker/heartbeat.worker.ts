// The training worker's heartbeat, beaten from a nested worker of its own: it keeps time whatever the
// training worker's event loop is busy with (a long synchronous data step, a shader compile), and
// stops when the training worker ends, since a nested worker lives only as long as its parent.
import { heartbeatIntervalMs } from '../../train/protocol';

const parent = self as unknown as {
  addEventListener(type: 'message', listener: (event: MessageEvent<MessagePort>) => void): void;
};

parent.addEventListener('message', ({ data: page }) => {
  page.postMessage(null);
  setInterval(() => page.postMessage(null), heartbeatIntervalMs);
});
