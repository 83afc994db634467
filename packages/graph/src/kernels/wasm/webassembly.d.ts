// The part of the WebAssembly JavaScript API the kernels use. TypeScript declares WebAssembly only
// in its DOM library, which this Node project does not load, and @types/node 20 does not declare it.
declare namespace WebAssembly {
  interface Module {}
  interface Global {
    readonly value: unknown;
  }
  interface Memory {
    readonly buffer: SharedArrayBuffer;
    grow(delta: number): number;
  }
  interface Instance {
    readonly exports: Record<string, unknown>;
  }
  interface MemoryDescriptor {
    initial: number;
    maximum?: number;
    shared?: boolean;
  }
  type Imports = Record<string, Record<string, unknown>>;
  // Constructors and functions of the API. (Not meant to be combined with TypeScript's DOM library.)
  interface ModuleImportDescriptor {
    readonly module: string;
    readonly name: string;
    readonly kind: string;
  }
  interface ModuleExportDescriptor {
    readonly name: string;
    readonly kind: string;
  }
  var Module: {
    new (bytes: Uint8Array): Module;
    imports(module: Module): ModuleImportDescriptor[];
    exports(module: Module): ModuleExportDescriptor[];
  };
  var Memory: { new (descriptor: MemoryDescriptor): Memory };
  var Instance: { new (module: Module, imports?: Imports): Instance };
  function validate(bytes: Uint8Array): boolean;
}
