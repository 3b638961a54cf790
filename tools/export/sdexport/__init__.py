"""sampler4j's Stable Diffusion export: diffusers model folder -> sampler4j model folder (see ../README.md)."""
