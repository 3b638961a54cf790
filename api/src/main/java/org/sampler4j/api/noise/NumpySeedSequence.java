package org.sampler4j.api.noise;

import java.util.Arrays;

/**
 * numpy's {@code SeedSequence} (O'Neill's seed_seq hashing, numpy 1.19+): the entropy pool built from
 * {@code entropy} and {@code spawn_key}, and {@link #generateState(int)} ({@code generate_state(n, uint32)}).
 * Provenance: numpy {@code random/bit_generator.pyx} ({@code SeedSequence.mix_entropy}, {@code get_assembled_entropy},
 * {@code generate_state}, {@code hashmix}, {@code mix}). torchsde derives every seed of its Brownian tree from it.
 */
public final class NumpySeedSequence {
    private static final int INIT_A = 0x43b0d7e5;
    private static final int MULT_A = 0x931e8875;
    private static final int INIT_B = 0x8b51f9dd;
    private static final int MULT_B = 0x58f38ded;
    private static final int MIX_MULT_L = 0xca01f9dd;
    private static final int MIX_MULT_R = 0x4973f715;
    private static final int XSHIFT = 16;

    private final int[] pool;

    /**
     * {@code SeedSequence(entropy, spawn_key=spawnKey, pool_size=poolSize)} with non-negative integer entropy and
     * spawn-key entries, each read as an unsigned 64-bit value (numpy splits each into 32-bit words, low word first).
     *
     * @param entropy the run entropy (unsigned)
     * @param spawnKey the spawn key entries (unsigned; empty for none)
     * @param poolSize the pool size in 32-bit words ({@code >= 1}; numpy's default is 4, torchsde uses 24)
     */
    public NumpySeedSequence(long entropy, long[] spawnKey, int poolSize) {
        if (poolSize < 1) throw new IllegalArgumentException("poolSize must be >= 1, got " + poolSize);
        int[] run = words(entropy);
        int[] spawn = new int[0];
        for (long k : spawnKey) spawn = concat(spawn, words(k));
        // numpy >= 1.19 pads short run entropy with zeros when a spawn key follows (gh-16539)
        if (spawn.length > 0 && run.length < poolSize) run = Arrays.copyOf(run, poolSize);
        this.pool = new int[poolSize];
        mixEntropy(concat(run, spawn));
    }

    /** {@code _int_to_uint32_array}: the 32-bit words of an unsigned value, low first ({@code [0]} for 0). */
    static int[] words(long unsigned) {
        if (unsigned >>> 32 == 0) return new int[] {(int) unsigned};
        return new int[] {(int) unsigned, (int) (unsigned >>> 32)};
    }

    private static int[] concat(int[] a, int[] b) {
        int[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private void mixEntropy(int[] entropy) {
        int[] hashConst = {INIT_A};
        for (int i = 0; i < pool.length; i++) pool[i] = hashmix(i < entropy.length ? entropy[i] : 0, hashConst);
        for (int src = 0; src < pool.length; src++) {
            for (int dst = 0; dst < pool.length; dst++) {
                if (src != dst) pool[dst] = mix(pool[dst], hashmix(pool[src], hashConst));
            }
        }
        for (int src = pool.length; src < entropy.length; src++) {
            for (int dst = 0; dst < pool.length; dst++) pool[dst] = mix(pool[dst], hashmix(entropy[src], hashConst));
        }
    }

    private static int hashmix(int value, int[] hashConst) {
        value ^= hashConst[0];
        hashConst[0] *= MULT_A;
        value *= hashConst[0];
        return value ^ (value >>> XSHIFT);
    }

    private static int mix(int x, int y) {
        int r = MIX_MULT_L * x - MIX_MULT_R * y;
        return r ^ (r >>> XSHIFT);
    }

    /**
     * {@code generate_state(n)} as uint32 words.
     *
     * @param n the number of words, at least 0
     * @return {@code n} words; read each with {@link Integer#toUnsignedLong}
     */
    public int[] generateState(int n) {
        int[] out = new int[n];
        int hashConst = INIT_B;
        for (int i = 0; i < n; i++) {
            int v = pool[i % pool.length] ^ hashConst;
            hashConst *= MULT_B;
            v *= hashConst;
            out[i] = v ^ (v >>> XSHIFT);
        }
        return out;
    }
}
