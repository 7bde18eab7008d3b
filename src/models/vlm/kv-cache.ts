/**
 * The KV cache transformers.js' generate() returns (a DynamicCache: `past_key_values.<layer>.key|value`
 * tensors shaped [batch, kv_heads, sequence, head_dim]), cut back to a shorter prefix so a turn
 * can reuse the part it shares with the previous one.
 */
import { Tensor } from '@huggingface/transformers';
import { cacheTensors, type KvCache } from './transformers-adapter.ts';

export type { KvCache };

const ATTENTION_ENTRY = 'past_key_values.';

/** Keeps the first `length` positions of every attention tensor. False (cache untouched) if the cache holds other state. */
export async function cropKvCache(cache: KvCache, length: number): Promise<boolean> {
  const entries = cacheTensors(cache);
  const names = Object.keys(entries);
  if (names.some((name) => !name.startsWith(ATTENTION_ENTRY))) return false;
  for (const name of names) {
    const tensor = entries[name]!;
    const [batch, heads, sequence, width] = tensor.dims as [number, number, number, number];
    if (sequence === length) continue;
    // On WebGPU the cache lives in GPU buffers: read it back once; the next run uploads the kept part.
    const onGpu = tensor.location === 'gpu-buffer';
    const data = (onGpu ? await tensor.ort_tensor.getData() : tensor.data) as Float32Array | Uint16Array;
    const kept = new (data.constructor as new (n: number) => typeof data)(batch * heads * length * width);
    for (let block = 0; block < batch * heads; block++) {
      kept.set(data.subarray(block * sequence * width, (block * sequence + length) * width), block * length * width);
    }
    if (onGpu) tensor.dispose();
    entries[name] = new Tensor(tensor.type, kept, [batch, heads, length, width]);
  }
  return true;
}
