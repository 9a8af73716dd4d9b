/** A row of the callback inbox as the relay hands it to its family's deliverer. */
export interface InboxRow {
  id: string;
  family: string;
  kind: string;
  workflowId: string;
  payload: unknown;
  /** What starts the target workflow when it does not exist yet, in the family's stored form. */
  startInput: unknown;
  /** Refusals so far. */
  attempts: number;
}

/**
 * What a family registers with the relay to get its rows to their workflow. The relay owns
 * leasing, batching, backoff and dead letters; the deliverer only knows its workflow's messages.
 */
export interface Deliverer {
  readonly family: string;
  /**
   * Delivers every waiting row of one workflow, in the order they were written. It resolves once
   * Temporal has them (the rows are then deleted) and throws if they were refused.
   */
  deliver(workflowId: string, rows: readonly InboxRow[]): Promise<void>;
  /** Whether `deliver`'s error means the workflow has closed and will never take the rows. */
  isGone?(err: unknown): boolean;
  /** Handles rows whose workflow has closed; without it they are dropped. Throwing keeps them. */
  afterClose?(workflowId: string, rows: readonly InboxRow[]): Promise<void>;
}

/** The slice of a pino logger the inbox writes to. */
export interface InboxLog {
  error(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}
