import type ort from 'onnxruntime-node';
import { ChainruleError } from '@chainrule/graph';

/** The onnxruntime-node module, as its default export. */
export type OnnxRuntime = typeof ort;

let loaded: Promise<OnnxRuntime> | undefined;

/**
 * Loads `onnxruntime-node` on first use. It is an optional peer dependency: exporting models needs
 * nothing native, so only running them asks for it, with the install line in the error.
 *
 * @returns the module.
 * @throws ChainruleError (as a rejection) naming the package and how to install it, when it is missing.
 */
export function onnxRuntime(): Promise<OnnxRuntime> {
  loaded ??= import('onnxruntime-node').then(
    (module) => (module as { default?: OnnxRuntime }).default ?? (module as unknown as OnnxRuntime),
    (e: unknown) => {
      loaded = undefined;
      const code = (e as { code?: string }).code;
      if (code !== 'ERR_MODULE_NOT_FOUND') throw e;
      throw new ChainruleError(
        'compileOnnx needs onnxruntime-node, an optional peer dependency of @chainrule/onnx: install it with ' +
          '`ONNXRUNTIME_NODE_INSTALL=skip npm install onnxruntime-node@^1.30.0` (the variable skips its download of GPU binaries; the CPU binaries ship in the package)',
        { cause: e },
      );
    },
  );
  return loaded;
}
