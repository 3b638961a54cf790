package org.sampler4j.host.conformance;

import java.util.ArrayList;
import java.util.List;

/** The registry of built-in golden-format checkers. Add a checker here to make its format known to the runner. */
final class Checkers {
    private Checkers() {}

    static List<GoldenChecker> all() {
        List<GoldenChecker> list = new ArrayList<>();
        list.add(new PipelineOpsChecker());
        list.add(new DiffusersSchedulesChecker());
        list.add(new DiffusersLoopsChecker());
        list.add(new KdiffusionSamplersChecker());
        list.add(new TorchRngCheckers.Cpu());
        list.add(new TorchRngCheckers.Cuda());
        list.add(new KdiffusionSigmasChecker());
        list.add(new ClipTokenizerChecker());
        list.add(new TorchsdeBrownianChecker());
        list.add(new SdPipelinesChecker());
        return list;
    }
}
