// Types of format-duration.js (plain JS so the dashboard can import the same file).
/** `ms` milliseconds as `42s`, `3m07s` or `1h05m`; `missing` (default `-`) for null, undefined or non-finite. */
export declare function formatDuration(ms: number | null | undefined, missing?: string): string;
