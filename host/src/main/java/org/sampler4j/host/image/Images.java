package org.sampler4j.host.image;

import java.awt.image.BufferedImage;
import org.sampler4j.host.model.PixelBatch;

/** Pixel batches to images: values mapped linearly from {@code [lo, hi]} to 0..255, rounded half up, clipped. */
public final class Images {
    private Images() {}

    /** Item {@code b} as an RGB image (grey for one channel). */
    public static BufferedImage of(PixelBatch p, int b) {
        int h = p.height();
        int w = p.width();
        int plane = h * w;
        float[] v = p.item(b);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        double scale = 255 / (p.hi() - p.lo());
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                int r = level(v[i], p.lo(), scale);
                int g = p.channels() == 3 ? level(v[plane + i], p.lo(), scale) : r;
                int bl = p.channels() == 3 ? level(v[2 * plane + i], p.lo(), scale) : r;
                img.setRGB(x, y, (r << 16) | (g << 8) | bl);
            }
        }
        return img;
    }

    private static int level(float v, double lo, double scale) {
        double l = Math.floor((v - lo) * scale + 0.5);
        return (int) Math.max(0, Math.min(255, Double.isNaN(l) ? 0 : l));
    }
}
