package org.sampler4j.host.image;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.util.ArrayList;
import java.util.List;

/**
 * The plotting shared by the project's charts ({@link SchedulePlot}, {@link QualityPlot}): a framed panel with grid
 * lines, ticks and axis labels, linear or log-10 axes, coloured lines with markers, and a legend.
 */
final class Chart {
    /** The series colours, in order (matplotlib's tab10). */
    static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e),
            new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf), new Color(0x7f7f7f), new Color(0xbcbd22)};

    private Chart() {}

    /**
     * An axis.
     *
     * @param label its label
     * @param lo the lowest value shown
     * @param hi the highest value shown
     * @param log a log-10 axis (ticks at decades) instead of a linear one
     * @param integerTicks linear ticks at whole numbers only
     */
    record Axis(String label, double lo, double hi, boolean log, boolean integerTicks) {
        /** A linear axis covering {@code values} with 5% padding. */
        static Axis linear(String label, List<Double> values) {
            return linear(label, values, Double.NaN, Double.NaN);
        }

        /** A linear axis covering {@code values} with 5% padding, its ends fixed at {@code lo} and {@code hi} unless NaN. */
        static Axis linear(String label, List<Double> values, double lo, double hi) {
            double[] r = range(values, false);
            double pad = 0.05 * (r[1] - r[0]);
            return new Axis(label, Double.isNaN(lo) ? r[0] - pad : lo, Double.isNaN(hi) ? r[1] + pad : hi, false, false);
        }

        /** A log axis covering {@code values} (positive ones), widened to 1, 2 or 5 times a power of ten. */
        static Axis log(String label, List<Double> values) {
            double[] r = range(values, true);
            return new Axis(label, nice(r[0], false), nice(r[1], true), true, false);
        }

        private static double nice(double v, boolean up) {
            double p = Math.pow(10, Math.floor(Math.log10(v) + 1e-12));
            double m = v / p;
            if (up) return (m <= 1 + 1e-9 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
            return (m >= 5 ? 5 : m >= 2 ? 2 : 1) * p;
        }

        double position(double v) {
            return log ? (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) : (v - lo) / (hi - lo);
        }

        List<Double> ticks() {
            List<Double> t = new ArrayList<>();
            if (log) {
                // decades; also 2 and 5 times them when the axis spans few decades
                double[] mantissas = Math.log10(hi / lo) <= 2.5 ? new double[] {1, 2, 5} : new double[] {1};
                for (double e = Math.floor(Math.log10(lo) + 1e-9); e <= Math.log10(hi) + 1e-9; e++) {
                    for (double m : mantissas) {
                        double v = m * Math.pow(10, e);
                        if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) t.add(v);
                    }
                }
            } else {
                double step = niceStep((hi - lo) / 6);
                if (integerTicks) step = Math.max(1, Math.rint(step));
                for (double v = Math.ceil(lo / step - 1e-9) * step; v <= hi + 1e-9 * step; v += step) t.add(v);
            }
            return t;
        }

        private static double[] range(List<Double> values, boolean positive) {
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (Double v : values) {
                if (v == null || !Double.isFinite(v) || (positive && v <= 0)) continue;
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            if (!Double.isFinite(lo)) return positive ? new double[] {0.1, 10} : new double[] {-1, 1};
            if (!(hi > lo)) return positive ? new double[] {lo / 10, hi * 10} : new double[] {lo - 1, hi + 1};
            return new double[] {lo, hi};
        }
    }

    /**
     * A line: points {@code (x[i], y[i])}; non-finite (or, on a log axis, non-positive) points break it.
     *
     * @param x x values
     * @param y y values
     */
    record Line(double[] x, double[] y) {}

    /** Draws a framed panel at {@code (x0, y0)} of size {@code w x h} with line {@code k} in colour {@code k}. */
    static void panel(Graphics2D g, int x0, int y0, int w, int h, Axis xa, Axis ya, List<Line> lines) {
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1f));
        g.drawRect(x0, y0, w, h);
        for (double t : ya.ticks()) {
            int py = y0 + h - (int) Math.round(ya.position(t) * h);
            g.setColor(new Color(0xe0e0e0));
            g.drawLine(x0 + 1, py, x0 + w - 1, py);
            g.setColor(Color.BLACK);
            g.drawLine(x0 - 4, py, x0, py);
            String label = fmt(t);
            Drawing.text(g, label, x0 - 8 - Drawing.width(g, label, 11), py + 4, 11, Color.BLACK);
        }
        for (double t : xa.ticks()) {
            int px = x0 + (int) Math.round(xa.position(t) * w);
            g.setColor(Color.BLACK);
            g.drawLine(px, y0 + h, px, y0 + h + 4);
            String label = fmt(t);
            Drawing.text(g, label, px - Drawing.width(g, label, 11) / 2, y0 + h + 17, 11, Color.BLACK);
        }
        Drawing.text(g, xa.label(), x0 + w / 2 - Drawing.width(g, xa.label(), 12) / 2, y0 + h + 34, 12, Color.BLACK);
        Drawing.text(g, ya.label(), x0, y0 - 8, 12, Color.BLACK);
        for (int k = 0; k < lines.size(); k++) {
            Line l = lines.get(k);
            g.setColor(COLORS[k % COLORS.length]);
            g.setStroke(new BasicStroke(2f));
            int prevX = -1;
            int prevY = -1;
            for (int i = 0; i < l.x().length; i++) {
                if (!shown(xa, l.x()[i]) || !shown(ya, l.y()[i])) {
                    prevX = -1;
                    continue;
                }
                int px = x0 + (int) Math.round(xa.position(l.x()[i]) * w);
                int py = y0 + h - (int) Math.round(ya.position(l.y()[i]) * h);
                if (prevX >= 0) g.drawLine(prevX, prevY, px, py);
                g.fillOval(px - 3, py - 3, 6, 6);
                prevX = px;
                prevY = py;
            }
        }
    }

    private static boolean shown(Axis a, double v) {
        return Double.isFinite(v) && (!a.log() || v > 0);
    }

    /** Draws one legend entry per label (line and marker in the series colour) from {@code (x, y)} downwards. */
    static void legend(Graphics2D g, int x, int y, List<String> labels) {
        for (int i = 0; i < labels.size(); i++) {
            g.setColor(COLORS[i % COLORS.length]);
            g.setStroke(new BasicStroke(2.5f));
            g.drawLine(x, y + 18 * i + 8, x + 28, y + 18 * i + 8);
            g.fillOval(x + 11, y + 18 * i + 5, 6, 6);
            Drawing.text(g, labels.get(i), x + 36, y + 18 * i + 13, 12, Color.BLACK);
        }
    }

    /** 1, 2 or 5 times a power of ten, at least {@code raw}. */
    static double niceStep(double raw) {
        if (!(raw > 0)) return 1;
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        double m = raw / p;
        return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
    }

    /** Three significant digits, plain notation. */
    static String fmt(double v) {
        if (v == 0) return "0";
        return new java.math.BigDecimal(v).round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString();
    }
}
