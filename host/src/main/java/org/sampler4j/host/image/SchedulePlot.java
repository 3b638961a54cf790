package org.sampler4j.host.image;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.sampler4j.api.schedule.Schedule;

/**
 * A picture of one or more schedules: two panels side by side, sigma (log scale) against step and log-SNR against
 * step, one coloured line with markers per schedule, axes with ticks and a legend. The final sigma 0 (log-SNR
 * {@code +inf}) has no place on these axes and is left out.
 */
public final class SchedulePlot {
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e),
            new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf)};
    private static final int PW = 460;
    private static final int PH = 320;
    private static final int ML = 64;
    private static final int MT = 56;
    private static final int MB = 48;

    private SchedulePlot() {}

    /** A labelled schedule. */
    public record Series(String label, Schedule schedule) {}

    /** Draws the plot. */
    public static BufferedImage of(String title, List<Series> series) {
        if (series.isEmpty()) throw new IllegalArgumentException("nothing to plot");
        int legendH = 18 * series.size() + 12;
        int w = 2 * (ML + PW) + 40 + 32;
        int h = MT + PH + MB + legendH;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = Drawing.canvas(img);
        Drawing.text(g, title, ML, 20, 14, Color.BLACK);
        panel(g, ML, MT, "sigma (log scale)", true, series);
        panel(g, 2 * ML + PW + 40, MT, "log-SNR = -2 log(sigma)", false, series);
        int ly = MT + PH + MB;
        for (int i = 0; i < series.size(); i++) {
            Color c = COLORS[i % COLORS.length];
            g.setColor(c);
            g.setStroke(new BasicStroke(2.5f));
            g.drawLine(ML, ly + 18 * i + 8, ML + 28, ly + 18 * i + 8);
            g.fillOval(ML + 11, ly + 18 * i + 5, 6, 6);
            Schedule s = series.get(i).schedule();
            Drawing.text(g, series.get(i).label() + "  (" + s.steps() + " steps, sigma " + fmt(s.sigma(0)) + " .. " + fmt(s.sigma(s.steps())) + ")",
                    ML + 36, ly + 18 * i + 13, 12, Color.BLACK);
        }
        g.dispose();
        return img;
    }

    private static void panel(Graphics2D g, int x0, int y0, String yLabel, boolean sigma, List<Series> series) {
        int maxStep = 1;
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        List<double[]> ys = new ArrayList<>();
        for (Series s : series) {
            Schedule sc = s.schedule();
            double[] y = new double[sc.steps() + 1];
            for (int i = 0; i <= sc.steps(); i++) {
                double sig = sc.sigma(i);
                y[i] = sig > 0 ? (sigma ? Math.log10(sig) : -2 * Math.log(sig)) : Double.NaN;
                if (Double.isFinite(y[i])) {
                    lo = Math.min(lo, y[i]);
                    hi = Math.max(hi, y[i]);
                }
            }
            maxStep = Math.max(maxStep, sc.steps());
            ys.add(y);
        }
        if (!(hi > lo)) {
            lo = Double.isFinite(lo) ? lo - 1 : -1;
            hi = lo + 2;
        }
        if (sigma) {
            lo = Math.floor(lo);
            hi = Math.ceil(hi);
        } else {
            double pad = 0.05 * (hi - lo);
            lo -= pad;
            hi += pad;
        }
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1f));
        g.drawRect(x0, y0, PW, PH);
        // y ticks
        List<double[]> ticks = new ArrayList<>();
        if (sigma) {
            for (double e = lo; e <= hi + 1e-9; e++) ticks.add(new double[] {e, 1});
        } else {
            double step = niceStep((hi - lo) / 6);
            for (double t = Math.ceil(lo / step) * step; t <= hi; t += step) ticks.add(new double[] {t, 0});
        }
        for (double[] t : ticks) {
            int py = y0 + PH - (int) Math.round((t[0] - lo) / (hi - lo) * PH);
            g.setColor(new Color(0xe0e0e0));
            g.drawLine(x0 + 1, py, x0 + PW - 1, py);
            g.setColor(Color.BLACK);
            g.drawLine(x0 - 4, py, x0, py);
            String label = t[1] == 1 ? fmt(Math.pow(10, t[0])) : fmt(t[0]);
            Drawing.text(g, label, x0 - 8 - Drawing.width(g, label, 11), py + 4, 11, Color.BLACK);
        }
        // x ticks
        int xStep = (int) Math.max(1, niceStep(maxStep / 8.0));
        for (int s = 0; s <= maxStep; s += xStep) {
            int px = x0 + (int) Math.round((double) s / maxStep * PW);
            g.setColor(Color.BLACK);
            g.drawLine(px, y0 + PH, px, y0 + PH + 4);
            String label = Integer.toString(s);
            Drawing.text(g, label, px - Drawing.width(g, label, 11) / 2, y0 + PH + 17, 11, Color.BLACK);
        }
        Drawing.text(g, "step", x0 + PW / 2 - 12, y0 + PH + 34, 12, Color.BLACK);
        Drawing.text(g, yLabel, x0, y0 - 8, 12, Color.BLACK);
        for (int k = 0; k < series.size(); k++) {
            double[] y = ys.get(k);
            g.setColor(COLORS[k % COLORS.length]);
            g.setStroke(new BasicStroke(2f));
            int prevX = -1;
            int prevY = -1;
            for (int i = 0; i < y.length; i++) {
                if (!Double.isFinite(y[i])) {
                    prevX = -1;
                    continue;
                }
                int px = x0 + (int) Math.round((double) i / maxStep * PW);
                int py = y0 + PH - (int) Math.round((y[i] - lo) / (hi - lo) * PH);
                if (prevX >= 0) g.drawLine(prevX, prevY, px, py);
                g.fillOval(px - 3, py - 3, 6, 6);
                prevX = px;
                prevY = py;
            }
        }
    }

    private static double niceStep(double raw) {
        if (!(raw > 0)) return 1;
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        double m = raw / p;
        return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
    }

    private static String fmt(double v) {
        if (v == 0) return "0";
        return new java.math.BigDecimal(v).round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString();
    }
}
