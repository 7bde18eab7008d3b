/**
 * A test's VLM worker: the app's own engine (src/models/vlm/worker-api.ts), and a way to lose its
 * GPU device as a driver crash would. The production worker (workers/vlm.worker.ts) has no such
 * member; test/browser/vlm-device-loss.test.ts starts this one instead, through the app's client.
 */
import { webgpuDevice } from '../../src/models/vlm/transformers-adapter.ts';
import { vlmEngine, type VlmEngine } from '../../src/models/vlm/worker-api.ts';
import { exposeWorkerApi } from '../../src/rpc/spawn.ts';

export interface DeviceLossEngine extends VlmEngine {
  /** Destroys the WebGPU device ONNX Runtime runs the model on, and resolves once it is lost. */
  loseGpuDevice(): Promise<void>;
}

const engine: DeviceLossEngine = {
  ...vlmEngine(),
  async loseGpuDevice() {
    const device = await webgpuDevice();
    if (!device) throw new Error('No WebGPU device is in use.');
    device.destroy();
    await device.lost;
  },
};

exposeWorkerApi(engine);
