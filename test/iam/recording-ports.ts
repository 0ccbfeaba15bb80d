/**
 * Records every port operation a handler makes, with the Task state it ran in, so the IAM
 * simulation (iam-simulation.test.ts) can turn each into the AWS requests the cloud adapters would
 * send (lambdas/ports/iam-actions.ts). The wrapper replaces the ports of the local data dir in place:
 * every handler of a local run receives that one object (lambdas/ports/local-ports.ts caches it per
 * data dir, like a warm Lambda container), so nothing in the handlers or the runtime changes.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Notifier } from '../../lambdas/ports/notifier';
import type { ObjectStore } from '../../lambdas/ports/object-store';
import type { BatchItem, Warehouse } from '../../lambdas/ports/warehouse';
import type { StepPorts } from '../../lambdas/steps/ports';

export type PortOperation =
  | { port: 'lake' | 'site'; operation: 'get' | 'getFile' | 'put' | 'putFile' | 'list' | 'exists' | 'delete'; key: string }
  | { port: 'warehouse'; operation: 'query' | 'execute'; name: string }
  | { port: 'warehouse'; operation: 'transaction'; items: BatchItem[] }
  | { port: 'notifier'; operation: 'notify'; id: string };

export type RecordedOperation = PortOperation & { state: string };

/** Which Task state is running: set by {@link inState} around each handler call. */
const currentState = new AsyncLocalStorage<string>();

export function inState<T>(state: string, run: () => Promise<T>): Promise<T> {
  return currentState.run(state, run);
}

export class PortRecorder {
  readonly operations: RecordedOperation[] = [];

  private record(op: PortOperation): void {
    const state = currentState.getStore();
    // A port call outside any Task state is the test itself (setup, assertions): not a Lambda's.
    if (state) this.operations.push({ ...op, state });
  }

  /** Replaces the ports of `ports` (the cached object every handler gets) with recording ones. */
  install(ports: StepPorts): void {
    ports.lake = this.store('lake', ports.lake);
    ports.site = this.store('site', ports.site);
    ports.warehouse = this.warehouse(ports.warehouse);
    ports.notifier = this.notifier(ports.notifier);
  }

  private store(port: 'lake' | 'site', inner: ObjectStore): ObjectStore {
    const rec = (operation: Extract<PortOperation, { key: string }>['operation'], key: string) => this.record({ port, operation, key });
    return {
      get location() {
        return inner.location;
      },
      put: (key, body, options) => (rec('put', key), inner.put(key, body, options)),
      putFile: (key, path, options) => (rec('putFile', key), inner.putFile(key, path, options)),
      get: (key) => (rec('get', key), inner.get(key)),
      getFile: (key, path) => (rec('getFile', key), inner.getFile(key, path)),
      list: (prefix, options) => (rec('list', prefix), inner.list(prefix, options)),
      exists: (key) => (rec('exists', key), inner.exists(key)),
      delete: (key) => (rec('delete', key), inner.delete(key)),
    };
  }

  /** A recording warehouse on its own (the schema custom resource has no other ports). */
  wrapWarehouse(inner: Warehouse): Warehouse {
    return this.warehouse(inner);
  }

  private warehouse(inner: Warehouse): Warehouse {
    const wrapped: Warehouse = {
      query: (statement) => (this.record({ port: 'warehouse', operation: 'query', name: statement.name }), inner.query(statement)),
      execute: (statement) => (this.record({ port: 'warehouse', operation: 'execute', name: statement.name }), inner.execute(statement)),
      transaction: (items) => (this.record({ port: 'warehouse', operation: 'transaction', items }), inner.transaction(items)),
      close: () => inner.close(),
    };
    if (inner.createTableSql) wrapped.createTableSql = inner.createTableSql.bind(inner);
    return wrapped;
  }

  private notifier(inner: Notifier): Notifier {
    return { notify: (n) => (this.record({ port: 'notifier', operation: 'notify', id: n.id }), inner.notify(n)) };
  }
}
