package org.sampler4j.host.image;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/** Shared Java2D setup: headless, white canvas, antialiased text; text drawing never fails a run (no fonts: no labels). */
final class Drawing {
    private Drawing() {}

    static {
        System.setProperty("java.awt.headless", "true");
    }

    static Graphics2D canvas(BufferedImage img) {
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        return g;
    }

    /** Draws text with its baseline at (x, y), or nothing when the JVM has no usable font. */
    static void text(Graphics2D g, String s, int x, int y, int size, Color c) {
        try {
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, size));
            g.setColor(c);
            g.drawString(s, x, y);
        } catch (RuntimeException | Error e) {
            // headless boxes without fonts: the picture is still useful without its labels
        }
    }

    /** Text width in pixels (an estimate when no font is usable). */
    static int width(Graphics2D g, String s, int size) {
        try {
            return g.getFontMetrics(new Font(Font.SANS_SERIF, Font.PLAIN, size)).stringWidth(s);
        } catch (RuntimeException | Error e) {
            return s.length() * size * 6 / 10;
        }
    }
}
