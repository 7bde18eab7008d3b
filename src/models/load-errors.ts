/** Turns transformers.js / ONNX Runtime load failures into errors a user can act on. */
import { AppError, describeError } from '../errors.ts';

export function modelLoadError(modelId: string, error: unknown): AppError {
  const detail = describeError(error);
  // A dev or static server answers a missing file with its HTML page, hence the '<!doctype' case.
  if (/could not locate|not found|404|local models are not allowed|remote models are disabled|failed to fetch|<!doctype|unexpected token '<'/i.test(detail)) {
    return new AppError(
      'model-missing',
      `The files of model "${modelId}" could not be found. Download it in the model manager (it needs the network once), or load it from a local folder. (${detail})`,
      { cause: error },
    );
  }
  if (/protobuf|parse|invalid|corrupt|failed to load model|can't create a session|unexpected end|json/i.test(detail)) {
    return new AppError(
      'model-corrupt',
      `The files of model "${modelId}" are damaged and could not be read. Delete the model in the model manager and download it again. (${detail})`,
      { cause: error },
    );
  }
  return new AppError('model-failed', `Model "${modelId}" could not be loaded: ${detail}`, { cause: error });
}
