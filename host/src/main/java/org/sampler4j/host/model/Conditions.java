package org.sampler4j.host.model;

import java.util.Arrays;

/**
 * The conditioning inputs of one network call, one entry per batch item: class labels, or text embeddings
 * ({@code tokens * dim} floats per item), or nothing.
 *
 * @param batch number of items
 * @param classLabels one label per item, or null
 * @param embeddings {@code batch * tokens * dim} floats, or null
 */
public record Conditions(int batch, int[] classLabels, float[] embeddings) {
    /** No conditioning for {@code batch} items. */
    public static Conditions none(int batch) {
        return new Conditions(batch, null, null);
    }

    /** One class label per item. */
    public static Conditions labels(int[] labels) {
        return new Conditions(labels.length, labels.clone(), null);
    }

    /** The same embedding ({@code tokens * dim} floats) for each of {@code batch} items. */
    public static Conditions embedding(float[] oneItem, int batch) {
        float[] all = new float[oneItem.length * batch];
        for (int b = 0; b < batch; b++) System.arraycopy(oneItem, 0, all, b * oneItem.length, oneItem.length);
        return new Conditions(batch, null, all);
    }

    /** This batch followed by {@code other} (for one batched conditional + unconditional forward). */
    public Conditions concat(Conditions other) {
        int[] l = null;
        float[] e = null;
        if (classLabels != null) {
            l = Arrays.copyOf(classLabels, batch + other.batch);
            System.arraycopy(other.classLabels, 0, l, batch, other.batch);
        }
        if (embeddings != null) {
            e = Arrays.copyOf(embeddings, embeddings.length + other.embeddings.length);
            System.arraycopy(other.embeddings, 0, e, embeddings.length, other.embeddings.length);
        }
        return new Conditions(batch + other.batch, l, e);
    }

    /** Items {@code [from, from + n)}. */
    public Conditions slice(int from, int n) {
        int per = embeddings == null ? 0 : embeddings.length / batch;
        return new Conditions(n, classLabels == null ? null : Arrays.copyOfRange(classLabels, from, from + n),
                embeddings == null ? null : Arrays.copyOfRange(embeddings, from * per, (from + n) * per));
    }
}
