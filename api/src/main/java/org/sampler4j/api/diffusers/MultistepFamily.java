package org.sampler4j.api.diffusers;

/** diffusers compatibility for one family of scheduler classes (see {@link DiffusersSchedules}). */
final class MultistepFamily implements DiffusersSchedules.Family {
    @Override
    public void checkInit(DiffusersConfig cfg) {
        // not implemented yet
    }

    @Override
    public DiffusersTimesteps setTimesteps(DiffusersConfig cfg, SetTimesteps args) {
        throw new UnsupportedOperationException(cfg.className() + " is not implemented yet");
    }
}
