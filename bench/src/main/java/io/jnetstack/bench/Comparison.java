package io.jnetstack.bench;

import java.util.Locale;

/**
 * One row of the harness's table: a workload's figure on the kernel and on jnetstack, measured
 * in the same run, and their ratio jnetstack/kernel.
 *
 * @param name the workload, as in {@code ratio NAME VALUE}
 * @param unit what the figures count, and which way is better
 * @param kernel the kernel's figure
 * @param stack jnetstack's figure; NaN when not measured (no ratio then)
 * @param lowerIsBetter whether a smaller figure is the better one (memory)
 */
record Comparison(String name, String unit, double kernel, double stack, boolean lowerIsBetter) {

    /** jnetstack/kernel; NaN when either side is missing. */
    double ratio() {
        return hasRatio() ? stack / kernel : Double.NaN;
    }

    /** Whether both figures are there, so a ratio means something. */
    boolean hasRatio() {
        return Double.isFinite(stack) && Double.isFinite(kernel) && kernel > 0;
    }

    /** The table's rendering of a figure: thousands separators, one decimal below 100. */
    static String format(double v) {
        if (!Double.isFinite(v)) {
            return "-";
        }
        return Math.abs(v) < 100 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%,.0f", v);
    }
}
