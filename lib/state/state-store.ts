/** What a store learns when its task opens it. */
export interface StateStoreContext {
  readonly applicationId: string;
  readonly taskId: string;
}

/** Any state store: a name, and a life cycle driven by its task. */
export interface StateStore {
  readonly name: string;
  /** True when the store keeps its data somewhere that outlives the process. */
  readonly persistent: boolean;
  init(context: StateStoreContext): void;
  /** Makes buffered writes durable; called on commit. */
  flush(): void;
  close(): void;
  isOpen(): boolean;
}
