package org.sampler4j.host.image;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Quality against cost: one panel per metric (class accuracy, Fréchet distance, ODE error, ...), each with model
 * evaluations (NFE) on a log axis and one line per series (a sampler with a schedule family, over step counts).
 */
public final class QualityPlot {
    private static final int PW = 420;
    private static final int PH = 300;
    private static final int ML = 64;
    private static final int MT = 56;
    private static final int MB = 48;
    private static final int GAP = 40;

    private QualityPlot() {}

    /**
     * One metric's panel.
     *
     * @param label the y-axis label
     * @param log a log y axis (errors and distances); else linear
     * @param higherIsBetter only for the label's hint
     * @param lo the measure's least value, fixing the axis' lower end (NaN: fitted to the values)
     * @param hi the measure's greatest value, fixing the axis' upper end (NaN: fitted to the values)
     */
    public record Metric(String label, boolean log, boolean higherIsBetter, double lo, double hi) {
        /** A metric whose axis is fitted to its values. */
        public Metric(String label, boolean log, boolean higherIsBetter) {
            this(label, log, higherIsBetter, Double.NaN, Double.NaN);
        }
    }

    /**
     * One line: its label and, per metric, the values at each point (null or NaN where not measured).
     *
     * @param label legend text
     * @param nfe model evaluations of each point
     * @param values {@code values.get(metric)[point]}
     */
    public record Series(String label, double[] nfe, List<double[]> values) {}

    /** Draws the panels side by side with a shared legend below. */
    public static BufferedImage of(String title, List<Metric> metrics, List<Series> series) {
        if (metrics.isEmpty() || series.isEmpty()) throw new IllegalArgumentException("nothing to plot");
        int legendH = 18 * series.size() + 12;
        int w = metrics.size() * (ML + PW + GAP) + 32;
        int h = MT + PH + MB + legendH;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = Drawing.canvas(img);
        Drawing.text(g, title, ML, 20, 14, Color.BLACK);
        List<Double> nfes = new ArrayList<>();
        for (Series s : series) for (double n : s.nfe()) nfes.add(n);
        Chart.Axis x = Chart.Axis.log("model evaluations (NFE, log scale)", nfes);
        for (int m = 0; m < metrics.size(); m++) {
            Metric metric = metrics.get(m);
            List<Chart.Line> lines = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (Series s : series) {
                double[] v = s.values().get(m);
                lines.add(new Chart.Line(s.nfe(), v));
                for (double d : v) ys.add(d);
            }
            String label = metric.label() + (metric.higherIsBetter() ? "  (higher is better)" : "  (lower is better)");
            Chart.Axis y = metric.log() ? Chart.Axis.log(label, ys) : Chart.Axis.linear(label, ys, metric.lo(), metric.hi());
            Chart.panel(g, ML + m * (ML + PW + GAP), MT, PW, PH, x, y, lines);
        }
        Chart.legend(g, ML, MT + PH + MB, series.stream().map(Series::label).toList());
        g.dispose();
        return img;
    }
}
