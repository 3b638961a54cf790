package org.sampler4j.host.image;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * A labelled grid of images (a contact sheet): one row per compared setting (sampler, schedule, ...), one column
 * per batch item or swept value, a caption under every cell and a label left of every row. Small images are enlarged
 * by an integer factor with nearest-neighbour sampling so that pixels stay visible.
 *
 * <p>Every caption stays inside its own box, whatever the texts: a caption is first set smaller (down to
 * {@value #MIN_FONT} px), then wrapped at its parts (two spaces), at schedule modifiers ({@code .karras()}) and after
 * commas, and a part that still does not fit is {@link #abbreviate abbreviated} in the middle ({@code timesteps(999, 845,
 * … 13)}); the full texts are in the run's index.
 */
public final class ContactSheet {
    private static final int PAD = 8;
    private static final int FONT = 12;
    static final int MIN_FONT = 8;
    private static final int CAPTION_LINES = 3;
    private static final int ROW_LABEL_MAX = 220;
    private static final String ELLIPSIS = "\u2026";

    private ContactSheet() {}

    /**
     * A rendered sheet and where its texts went.
     *
     * @param image the sheet
     * @param captions the box of every text drawn (title, row labels, cell captions), in sheet pixels
     */
    public record Sheet(BufferedImage image, List<Rectangle> captions) {}

    /**
     * @param title a line above the grid
     * @param rowLabels one per row
     * @param cells {@code cells.get(row).get(col)}
     * @param cellLabels labels under each cell, same layout
     * @return the sheet
     */
    public static BufferedImage of(String title, List<String> rowLabels, List<List<BufferedImage>> cells, List<List<String>> cellLabels) {
        return render(title, rowLabels, cells, cellLabels).image();
    }

    /** A text set in lines at a font size. */
    private record Fitted(List<String> lines, int size) {
        int height() {
            return lines.size() * lineHeight(size);
        }
    }

    private static int lineHeight(int size) {
        return size + 3;
    }

    /** Like {@link #of}, with the boxes of the texts (for checks that no two overlap). */
    public static Sheet render(String title, List<String> rowLabels, List<List<BufferedImage>> cells, List<List<String>> cellLabels) {
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
        List<Fitted> rowText = new ArrayList<>();
        for (String l : rowLabels) {
            Fitted f = fit(pg, l, ROW_LABEL_MAX, FONT, Math.max(1, ch / lineHeight(MIN_FONT)));
            rowText.add(f);
            for (String line : f.lines()) labelW = Math.max(labelW, Drawing.width(pg, line, f.size()));
        }
        List<List<Fitted>> captionText = new ArrayList<>();
        int captionH = 0;
        for (List<String> row : cellLabels) {
            List<Fitted> fr = new ArrayList<>();
            for (String l : row) {
                Fitted f = fit(pg, l, cw, FONT - 1, CAPTION_LINES);
                fr.add(f);
                captionH = Math.max(captionH, f.height());
            }
            captionText.add(fr);
        }
        int titleW = Drawing.width(pg, title, FONT + 2);
        pg.dispose();
        int left = labelW + 2 * PAD;
        int top = FONT + 2 * PAD + 4;
        int cellH = ch + captionH + PAD + 4;
        int w = Math.max(left + cols * (cw + PAD) + PAD, titleW + 2 * PAD);
        int h = top + rows * cellH + PAD;
        BufferedImage sheet = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = Drawing.canvas(sheet);
        List<Rectangle> boxes = new ArrayList<>();
        Drawing.text(g, title, PAD, PAD + FONT, FONT + 2, Color.BLACK);
        boxes.add(new Rectangle(PAD, PAD + FONT - (FONT + 2), titleW, lineHeight(FONT + 2)));
        for (int r = 0; r < rows; r++) {
            int y = top + r * cellH;
            Fitted rl = rowText.get(r);
            int ry = y + Math.max(0, (ch - rl.height()) / 2);
            boxes.add(draw(g, rl, PAD, ry, Color.BLACK));
            for (int c = 0; c < cells.get(r).size(); c++) {
                int x = left + c * (cw + PAD);
                g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
                g.drawImage(cells.get(r).get(c), x, y, cw, ch, null);
                boxes.add(draw(g, captionText.get(r).get(c), x, y + ch + 3, Color.DARK_GRAY));
            }
        }
        g.dispose();
        return new Sheet(sheet, boxes);
    }

    /** Draws the lines of {@code f} from the top-left corner (x, y); returns the box they take. */
    private static Rectangle draw(Graphics2D g, Fitted f, int x, int y, Color color) {
        int lh = lineHeight(f.size());
        int width = 0;
        for (int i = 0; i < f.lines().size(); i++) {
            String line = f.lines().get(i);
            Drawing.text(g, line, x, y + i * lh + f.size(), f.size(), color);
            width = Math.max(width, Drawing.width(g, line, f.size()));
        }
        return new Rectangle(x, y, width, f.height());
    }

    /**
     * Sets {@code text} into at most {@code maxLines} lines of at most {@code width} pixels: the largest size from
     * {@code size} down to {@value #MIN_FONT} at which it fits, else wrapped and abbreviated at the smallest size.
     */
    static Fitted fit(Graphics2D g, String text, int width, int size, int maxLines) {
        for (int s = size; s >= MIN_FONT; s--) {
            if (Drawing.width(g, text, s) <= width) return new Fitted(List.of(text), s);
        }
        for (int s = size; s >= MIN_FONT; s--) {
            final int fs = s;
            List<String> lines = wrap(g, text, width, s);
            if (lines.size() <= maxLines && lines.stream().allMatch(l -> Drawing.width(g, l, fs) <= width)) return new Fitted(lines, s);
        }
        List<String> lines = new ArrayList<>(wrap(g, text, width, MIN_FONT));
        if (lines.size() > maxLines) {
            String rest = String.join(" ", lines.subList(maxLines - 1, lines.size()));
            lines = new ArrayList<>(lines.subList(0, maxLines - 1));
            lines.add(rest);
        }
        List<String> out = new ArrayList<>();
        for (String l : lines) out.add(abbreviate(g, l, width, MIN_FONT));
        return new Fitted(out, MIN_FONT);
    }

    /** Greedy line breaking at the breaks of {@link #pieces}. */
    private static List<String> wrap(Graphics2D g, String text, int width, int size) {
        List<String> lines = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (String piece : pieces(text)) {
            String joined = cur + piece;
            if (cur.length() > 0 && Drawing.width(g, joined.strip(), size) > width) {
                lines.add(cur.toString().strip());
                cur.setLength(0);
                cur.append(piece.stripLeading());
            } else {
                cur.append(piece);
            }
        }
        if (!cur.toString().isBlank()) lines.add(cur.toString().strip());
        return lines;
    }

    /**
     * The text cut where a line may break, separators kept: before two spaces (caption parts), before a schedule
     * modifier ({@code .karras()}) and after {@code ", "}.
     */
    static List<String> pieces(String text) {
        List<String> out = new ArrayList<>();
        int start = 0;
        int depth = 0;
        for (int i = 1; i < text.length(); i++) {
            char c = text.charAt(i - 1);
            if (c == '(') depth++;
            if (c == ')') depth--;
            boolean cut = text.startsWith("  ", i) && text.charAt(i - 1) != ' '
                    || text.charAt(i) == '.' && depth == 0 && c == ')'
                    || c == ' ' && i >= 2 && text.charAt(i - 2) == ',';
            if (cut) {
                out.add(text.substring(start, i));
                start = i;
            }
        }
        out.add(text.substring(start));
        return out;
    }

    /**
     * {@code text} shortened to {@code width} pixels by replacing its middle with an ellipsis, keeping the start and
     * the end ({@code timesteps(999, 845, … 53, 13)}); unchanged when it fits.
     */
    public static String abbreviate(Graphics2D g, String text, int width, int size) {
        if (Drawing.width(g, text, size) <= width) return text;
        int keep = text.length();
        while (keep > 1) {
            keep--;
            int head = (keep + 1) / 2;
            String s = text.substring(0, head) + ELLIPSIS + text.substring(text.length() - (keep - head));
            if (Drawing.width(g, s, size) <= width) return s;
        }
        return ELLIPSIS;
    }
}
