import { Module, type createRequire } from "node:module";

type Require = ReturnType<typeof createRequire>;

/**
 * Puts a stand-in for the CommonJS module at `path` in `require`'s cache, so the packages
 * that load it when they are loaded do not load it yet: the real module is loaded the first
 * time the stand-in is called, constructed or read (a property), and everything is handed
 * on to it. For the parts of libraries pushgate never uses that cost megabytes of memory
 * (bench/README.md). A module already loaded is left as it is.
 */
export function deferModule(require: Require, path: string): void {
  if (require.cache[path]) return;
  let real: object | undefined;
  const load = (): object => {
    if (!real) {
      delete require.cache[path];
      real = require(path) as object;
    }
    return real;
  };
  const stand = new Module(path);
  stand.filename = path;
  stand.loaded = true;
  stand.exports = new Proxy(function deferred() {}, {
    apply: (_target, self, args: unknown[]) =>
      Reflect.apply(load() as () => unknown, self, args) as unknown,
    construct: (_target, args: unknown[]) =>
      Reflect.construct(load() as new () => object, args) as object,
    get: (_target, key) => Reflect.get(load(), key) as unknown,
    has: (_target, key) => Reflect.has(load(), key),
  });
  require.cache[path] = stand;
}
