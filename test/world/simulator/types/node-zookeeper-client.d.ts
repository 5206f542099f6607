// Types for node-zookeeper-client 1.1.3 (it ships none), limited to the calls this project makes.
declare module 'node-zookeeper-client' {
  import type { EventEmitter } from 'node:events';

  export interface ZkException extends Error {
    getCode(): number;
    getName(): string;
  }
  export interface ZkEvent {
    getType(): number;
    getName(): string;
    getPath(): string;
  }
  export interface ZkState {
    getName(): string;
    getCode(): number;
  }
  export interface ZkStat {
    ephemeralOwner: Buffer;
    version: number;
  }
  export class Id {
    constructor(scheme: string, id: string);
    readonly scheme: string;
    readonly id: string;
  }
  export class ACL {
    constructor(permission: number, id: Id);
    readonly permission: number;
    readonly id: Id;
    static OPEN_ACL_UNSAFE: ACL[];
    static CREATOR_ALL_ACL: ACL[];
    static READ_ACL_UNSAFE: ACL[];
  }
  type Cb<T> = (error: ZkException | null, result: T) => void;
  type Watcher = (event: ZkEvent) => void;

  export interface Client extends EventEmitter {
    connect(): void;
    close(): void;
    getState(): ZkState;
    getSessionTimeout(): number;
    addAuthInfo(scheme: string, auth: Buffer): void;
    create(path: string, data: Buffer | null, acls: ACL[], mode: number, cb: Cb<string>): void;
    create(path: string, data: Buffer | null, mode: number, cb: Cb<string>): void;
    remove(path: string, version: number, cb: (error: ZkException | null) => void): void;
    getData(
      path: string,
      watcher: Watcher | null,
      cb: (e: ZkException | null, data: Buffer, stat: ZkStat) => void,
    ): void;
    setData(path: string, data: Buffer, version: number, cb: Cb<ZkStat>): void;
    exists(path: string, watcher: Watcher | null, cb: Cb<ZkStat | null>): void;
    getChildren(path: string, watcher: Watcher | null, cb: Cb<string[]>): void;
    getACL(path: string, cb: (error: ZkException | null, acls: ACL[], stat: ZkStat) => void): void;
    mkdirp(path: string, cb: (error: ZkException | null, path: string) => void): void;
    mkdirp(path: string, data: Buffer | null, acls: ACL[], mode: number, cb: Cb<string>): void;
  }

  export interface ClientOptions {
    sessionTimeout?: number;
    spinDelay?: number;
    retries?: number;
  }

  export function createClient(connectionString: string, options?: ClientOptions): Client;

  export const CreateMode: {
    PERSISTENT: number;
    PERSISTENT_SEQUENTIAL: number;
    EPHEMERAL: number;
    EPHEMERAL_SEQUENTIAL: number;
  };
  export const Permission: {
    READ: number;
    WRITE: number;
    CREATE: number;
    DELETE: number;
    ADMIN: number;
    ALL: number;
  };
  export const Exception: {
    OK: number;
    NO_NODE: number;
    NODE_EXISTS: number;
    NOT_EMPTY: number;
    CONNECTION_LOSS: number;
    SESSION_EXPIRED: number;
    NO_AUTH: number;
  };
  export const Event: {
    NODE_CREATED: number;
    NODE_DELETED: number;
    NODE_DATA_CHANGED: number;
    NODE_CHILDREN_CHANGED: number;
  };
  export const State: Record<
    'DISCONNECTED' | 'SYNC_CONNECTED' | 'AUTH_FAILED' | 'CONNECTED_READ_ONLY' | 'EXPIRED',
    ZkState
  >;

  const zookeeper: {
    createClient: typeof createClient;
    CreateMode: typeof CreateMode;
    Permission: typeof Permission;
    Exception: typeof Exception;
    Event: typeof Event;
    State: typeof State;
    ACL: typeof ACL;
    Id: typeof Id;
  };
  export default zookeeper;
}

declare module 'node-zookeeper-client/lib/Path.js' {
  const PathModule: { validate(path: string): void };
  export default PathModule;
}
