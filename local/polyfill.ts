/**
 * aws-local-stepfunctions 3 calls Promise.withResolvers (Node ≥ 22). On Node 20 every Task would
 * fail with "Promise.withResolvers is not a function"; this must be imported before it.
 */
const P = Promise as unknown as { withResolvers?: unknown };
if (typeof P.withResolvers !== 'function') {
  P.withResolvers = function withResolvers<T>() {
    let resolve!: (value: T | PromiseLike<T>) => void;
    let reject!: (reason?: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}
export {};
