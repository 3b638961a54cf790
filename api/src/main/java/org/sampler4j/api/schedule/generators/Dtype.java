package org.sampler4j.api.schedule.generators;

/**
 * The floating-point type a reference implementation computes a schedule in. k-diffusion and ComfyUI build their
 * sigma tensors in torch's default dtype ({@code float32} unless changed); {@code FLOAT64} is the same code with
 * {@code torch.set_default_dtype(torch.float64)}.
 *
 * <p>{@code FLOAT32} results are emulated operation by operation in Java {@code float} arithmetic (every
 * intermediate rounded to float32, Python scalars rounded to float32 where torch casts them); transcendental
 * functions are correctly rounded here while torch's vectorised SLEEF kernels are accurate to 1 ulp, so float32
 * results agree with torch to a few float32 ulps, not bit for bit.
 */
public enum Dtype {
    /** torch.float32 (the default dtype). */
    FLOAT32,
    /** torch.float64. */
    FLOAT64
}
