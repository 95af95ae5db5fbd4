// Summary statistics and table formatting for the benchmark. Pure.

/** Median, minimum and maximum of several runs, and the runs themselves in the order measured. */
export interface Stats {
    readonly median: number;
    readonly min: number;
    readonly max: number;
    readonly runs: readonly number[];
}

/** The statistics of `values` (at least one). The median of an even count is the mean of the middle two. */
export function stats(values: readonly number[]): Stats {
    if (values.length === 0) {
        throw new Error("stats of no values");
    }
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    return { median, min: sorted[0], max: sorted[sorted.length - 1], runs: [...values] };
}

/** `median (min–max)` with `digits` decimals. */
export function formatStats(s: Stats, digits = 0, unit = ""): string {
    const f = (v: number) => `${v.toFixed(digits)}${unit}`;
    return `${f(s.median)} (${f(s.min)}–${f(s.max)})`;
}

/** A Markdown table: header row, separator, rows; numeric-looking cells right-aligned. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
    const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
    const separator = `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`;
    return [line(header), separator, ...rows.map(line)].join("\n");
}
