/** What a store learns when its task opens it. */
export interface StateStoreContext {
  /** The application's `applicationId` from the config. */
  readonly applicationId: string;
  /** The task that owns this instance of the store, `<subTopology>_<partition>`. */
  readonly taskId: string;
}

/** Any state store: a name, and a life cycle driven by its task. */
export interface StateStore {
  /** The store's name, as its builder gives it. */
  readonly name: string;
  /** True when the store keeps its data somewhere that outlives the process. */
  readonly persistent: boolean;
  /** Opens the store; its host calls it once, before any processor uses the store. */
  init(context: StateStoreContext): void;
  /** Makes buffered writes durable; called on commit. */
  flush(): void;
  /** Releases the store; its host calls it once the store's task is done with it. */
  close(): void;
  /** True between `init` and `close`. */
  isOpen(): boolean;
}
