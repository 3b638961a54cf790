package org.sampler4j.host.model;

/**
 * Decoded images, channels first: {@code values[b][c][y][x]} flattened row-major, in the value range {@code [lo, hi]}
 * (values outside it are clipped when written).
 *
 * @param values {@code batch * channels * height * width} floats
 * @param batch items
 * @param channels 1 (grey) or 3 (RGB)
 * @param height rows
 * @param width columns
 * @param lo the value shown as black
 * @param hi the value shown as white
 */
public record PixelBatch(float[] values, int batch, int channels, int height, int width, double lo, double hi) {
    public PixelBatch {
        if ((long) batch * channels * height * width != values.length) {
            throw new IllegalArgumentException("pixel batch of " + values.length + " values is not " + batch + "x" + channels + "x" + height + "x" + width);
        }
        if (channels != 1 && channels != 3) throw new IllegalArgumentException("images need 1 or 3 channels, got " + channels);
    }

    /** Item {@code b}'s values (a copy). */
    public float[] item(int b) {
        int per = channels * height * width;
        return java.util.Arrays.copyOfRange(values, b * per, (b + 1) * per);
    }
}
