/** Remote endpoint worker: the connection to an OpenAI-compatible server, outside the page's fixed connection policy. */
import { relayEngine } from '../src/policies/remote/relay.ts';
import { exposeWorkerApi } from '../src/rpc/spawn.ts';

exposeWorkerApi(relayEngine());
