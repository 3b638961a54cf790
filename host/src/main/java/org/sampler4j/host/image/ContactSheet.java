package org.sampler4j.host.image;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * A labelled grid of images (a contact sheet): one row per compared setting (sampler, schedule, ...), one column
 * per batch item, a label under every cell (its seed) and one left of every row. Small images are enlarged by an
 * integer factor with nearest-neighbour sampling so that pixels stay visible.
 */
public final class ContactSheet {
    private static final int PAD = 8;
    private static final int FONT = 12;

    private ContactSheet() {}

    /**
     * @param title a line above the grid
     * @param rowLabels one per row
     * @param cells {@code cells.get(row).get(col)}
     * @param cellLabels labels under each cell, same layout
     */
    public static BufferedImage of(String title, List<String> rowLabels, List<List<BufferedImage>> cells, List<List<String>> cellLabels) {
        int rows = cells.size();
        int cols = cells.stream().mapToInt(List::size).max().orElse(0);
        if (rows == 0 || cols == 0) throw new IllegalArgumentException("a contact sheet needs at least one image");
        int iw = cells.get(0).get(0).getWidth();
        int ih = cells.get(0).get(0).getHeight();
        int zoom = Math.max(1, 128 / Math.max(iw, ih));
        int cw = iw * zoom;
        int ch = ih * zoom;
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D pg = probe.createGraphics();
        int labelW = 0;
        for (String l : rowLabels) labelW = Math.max(labelW, Drawing.width(pg, l, FONT));
        int titleW = Drawing.width(pg, title, FONT + 2);
        pg.dispose();
        int left = labelW + 2 * PAD;
        int top = FONT + 2 * PAD + 4;
        int cellH = ch + FONT + PAD + 4;
        int w = Math.max(left + cols * (cw + PAD) + PAD, titleW + 2 * PAD);
        int h = top + rows * cellH + PAD;
        BufferedImage sheet = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = Drawing.canvas(sheet);
        Drawing.text(g, title, PAD, PAD + FONT, FONT + 2, Color.BLACK);
        for (int r = 0; r < rows; r++) {
            int y = top + r * cellH;
            Drawing.text(g, rowLabels.get(r), PAD, y + ch / 2 + FONT / 2, FONT, Color.BLACK);
            for (int c = 0; c < cells.get(r).size(); c++) {
                int x = left + c * (cw + PAD);
                g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
                g.drawImage(cells.get(r).get(c), x, y, cw, ch, null);
                Drawing.text(g, cellLabels.get(r).get(c), x, y + ch + FONT + 2, FONT - 1, Color.DARK_GRAY);
            }
        }
        g.dispose();
        return sheet;
    }
}
