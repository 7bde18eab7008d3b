/**
 * Cross-origin isolation: with these headers the page gets SharedArrayBuffer, so ONNX Runtime's
 * WASM runs on several threads (OCR, embedders, the WASM VLM). `credentialless` keeps cross-origin
 * downloads working without asking every host for a CORP header (the hub's model files included).
 * The dev and preview servers send them; on a static host that cannot, the service worker adds
 * them to every response it serves.
 */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'credentialless',
};

/** The response with the isolation headers added (opaque and error responses pass as they are). */
export function withIsolationHeaders(response: Response): Response {
  if (response.type === 'opaque' || response.type === 'opaqueredirect' || response.status === 0) return response;
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(ISOLATION_HEADERS)) headers.set(name, value);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}
