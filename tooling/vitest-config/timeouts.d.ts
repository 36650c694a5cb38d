export declare const DEFAULT_RUNS: number;
export declare const BASE_TIMEOUT_MS: number;
export declare function fuzzRuns(env?: Record<string, string | undefined>): number | undefined;
export declare function scaledTimeout(env?: Record<string, string | undefined>): number;
