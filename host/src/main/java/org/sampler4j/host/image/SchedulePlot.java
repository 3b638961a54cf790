package org.sampler4j.host.image;

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
        List<Chart.Line> sigmaLines = new ArrayList<>();
        List<Chart.Line> snrLines = new ArrayList<>();
        List<Double> sigmas = new ArrayList<>();
        List<Double> snrs = new ArrayList<>();
        int maxStep = 1;
        List<String> labels = new ArrayList<>();
        for (Series s : series) {
            Schedule sc = s.schedule();
            double[] x = new double[sc.steps() + 1];
            double[] sig = new double[x.length];
            double[] snr = new double[x.length];
            for (int i = 0; i <= sc.steps(); i++) {
                x[i] = i;
                sig[i] = sc.sigma(i);
                snr[i] = sig[i] > 0 ? -2 * Math.log(sig[i]) : Double.NaN;
                sigmas.add(sig[i]);
                snrs.add(snr[i]);
            }
            maxStep = Math.max(maxStep, sc.steps());
            sigmaLines.add(new Chart.Line(x, sig));
            snrLines.add(new Chart.Line(x, snr));
            labels.add(s.label() + "  (" + sc.steps() + " steps, sigma " + Chart.fmt(sc.sigma(0)) + " .. " + Chart.fmt(sc.sigma(sc.steps())) + ")");
        }
        Chart.Axis steps = new Chart.Axis("step", 0, maxStep, false, true);
        Chart.panel(g, ML, MT, PW, PH, steps, Chart.Axis.log("sigma (log scale)", sigmas), sigmaLines);
        Chart.panel(g, 2 * ML + PW + 40, MT, PW, PH, steps, Chart.Axis.linear("log-SNR = -2 log(sigma)", snrs), snrLines);
        Chart.legend(g, ML, MT + PH + MB, labels);
        g.dispose();
        return img;
    }
}
