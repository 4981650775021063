// The read API every editor feature uses, whether this process owns the store
// (LocalTrailQueries: straight to the repository) or another process does
// (RemoteTrailQueries: the same calls over loopback). Async either way so that
// callers never care which one they hold.
import type { FileQuery, PromptQuery } from '../store/modelRepository';
import type {
  FileSummary,
  FileTouchView,
  PromptDetails,
  PromptStep,
  PromptSummary,
  SessionSummary,
} from '../model/views';

export type { FileQuery, PromptQuery };

export interface TrailQueries {
  listSessions(): Promise<readonly SessionSummary[]>;
  listPrompts(query?: PromptQuery): Promise<readonly PromptSummary[]>;
  promptDetails(promptId: string): Promise<PromptDetails | null>;
  promptSteps(promptId: string): Promise<readonly PromptStep[]>;
  filesTouched(query?: FileQuery): Promise<readonly FileSummary[]>;
  touchesForFile(path: string): Promise<readonly FileTouchView[]>;
  /** Changes whenever the data may have changed; compare with !==, never order. */
  dataVersion(): Promise<number>;
}

/** What LocalTrailQueries needs from the store (TrailStore has it). */
export interface QueryableStore {
  readonly queries: {
    listSessions(): SessionSummary[];
    listPrompts(query?: PromptQuery): PromptSummary[];
    promptDetails(promptId: string): PromptDetails | null;
    promptSteps(promptId: string): PromptStep[];
    filesTouched(query?: FileQuery): FileSummary[];
    touchesForFile(path: string): FileTouchView[];
  };
  readonly dataVersion: number;
  /** Resolves once everything acknowledged so far is in the model. */
  settled(): Promise<void>;
}

/**
 * The owner's queries: the repository, once the store is open and the model
 * holds every request acknowledged before the query (read your writes: an
 * `import` followed by `prompts` sees the import). dataVersion() does not wait:
 * it changes as the model catches up.
 */
export class LocalTrailQueries implements TrailQueries {
  constructor(private readonly openStore: () => Promise<QueryableStore>) {}

  private async store(): Promise<QueryableStore> {
    const store = await this.openStore();
    await store.settled();
    return store;
  }

  async listSessions(): Promise<readonly SessionSummary[]> {
    return (await this.store()).queries.listSessions();
  }

  async listPrompts(query: PromptQuery = {}): Promise<readonly PromptSummary[]> {
    return (await this.store()).queries.listPrompts(query);
  }

  async promptDetails(promptId: string): Promise<PromptDetails | null> {
    return (await this.store()).queries.promptDetails(promptId);
  }

  async promptSteps(promptId: string): Promise<readonly PromptStep[]> {
    return (await this.store()).queries.promptSteps(promptId);
  }

  async filesTouched(query: FileQuery = {}): Promise<readonly FileSummary[]> {
    return (await this.store()).queries.filesTouched(query);
  }

  async touchesForFile(path: string): Promise<readonly FileTouchView[]> {
    return (await this.store()).queries.touchesForFile(path);
  }

  async dataVersion(): Promise<number> {
    return (await this.openStore()).dataVersion;
  }
}
