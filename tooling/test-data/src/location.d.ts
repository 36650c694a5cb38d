export declare const SHARED_DATA_ENV: 'PORTICO_SHARED_DATA';
export declare const DEFAULT_SHARED_DATA: string;
export declare const REPO_ROOT: string;
export declare function sharedDataDir(env?: NodeJS.ProcessEnv): string;
export declare class SharedDataMissingError extends Error {
  readonly code: 'SHARED_DATA_MISSING';
  readonly expected: string;
  readonly dir: string;
  readonly got: string;
  constructor(dir: string, got: string);
}
export declare function requireSharedData(env?: NodeJS.ProcessEnv): string;
