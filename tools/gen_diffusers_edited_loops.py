#!/usr/bin/env python3
"""Golden data for DiffusersStepper on an *edited* sample: diffusers' own schedulers run a loop in which the
sample is blended between steps, as inpainting or a guidance trick does, and the results are recorded.

Each case: the scheduler class and config, the step count, the step() kwargs, an optional seed of a
torch.Generator passed to every step(), and an optional begin index (img2img: set_begin_index(begin), the sample
noised there by add_noise with the dummy noise, the loop from timesteps[begin]). The loop (the fixtures of diffusers' tests/schedulers/test_schedulers.py,
on a small shape):

    sample = dummy_sample_deter(SHAPE) * init_noise_sigma
    for i, t in enumerate(scheduler.timesteps):
        out = dummy_model(scheduler.scale_model_input(sample, t), t)      # sample * t / (t + 1)
        sample = scheduler.step(out, t, sample, **kwargs).prev_sample
        sample = sample * 0.9 + 0.05 * dummy_noise_deter(SHAPE)          # the edit
        record after steps RECORD and at the end

Usage (diffusers at the golden commit 58eb52c0, torch on CPU; see ../shared/tools/README.md):
    eval "$(DIFFUSERS_MIRROR=<mirror> bash ../shared/tools/anchors/setup_diffusers_env.sh /tmp/ref/diffusers)"
    /usr/bin/python3 tools/gen_diffusers_edited_loops.py > api/src/test/resources/diffusers/edited_loops.json

The numeric environment follows ../shared/golden/diffusers/README.md: NumPy's NEP 50 scalar promotion and torch 2's
linspace (patched in below when the installed versions predate them), one thread. float32 values are written as the
shortest decimal that round-trips in float32.
"""
import json
import sys

import numpy as np
import torch

SHAPE = (2, 3, 4, 4)
BLEND = 0.9
TARGET = 0.05
RECORD = (1, 4)

if hasattr(np, "_set_promotion_state"):
    np._set_promotion_state("weak")  # NumPy 2 scalar promotion (NEP 50)

_torch_linspace = torch.linspace


def _linspace2(start, end, steps, *args, dtype=None, **kwargs):
    """torch 2's CPU linspace: step in the output dtype, fma(step, i, start) below the halfway point, else from the end."""
    dt = dtype if dtype is not None else torch.get_default_dtype()
    if args or dt != torch.float32 or steps < 2:
        return _torch_linspace(start, end, steps, *args, dtype=dtype, **kwargs)
    s = np.float32(start)
    e = np.float32(end)
    step = np.float32((e - s) / np.float32(steps - 1))
    half = steps // 2
    out = np.empty(steps, dtype=np.float32)
    for i in range(steps):
        if i < half:
            out[i] = np.float32(float(step) * i + float(s))  # exact in float64, one rounding to float32: fma
        else:
            out[i] = np.float32(float(e) - float(step) * (steps - 1 - i))
    return torch.from_numpy(out).to(**{k: v for k, v in kwargs.items() if k == "device"})


if torch.__version__.startswith("1."):
    torch.linspace = _linspace2

import diffusers  # noqa: E402  (after the patches)


def deter(flip):
    n = int(np.prod(SHAPE))
    b = SHAPE[0]
    v = torch.arange(n)
    if flip:
        v = torch.flip(v, [0])
    v = v / n
    v = v.reshape(*SHAPE[1:], b)
    return v.permute(len(SHAPE) - 1, *range(len(SHAPE) - 1)).contiguous()


def model(sample, t):
    return sample * t / (t + 1)


def f32(x):
    """float32 values as the shortest decimals that round-trip; non-finite ones as "NaN", "Infinity", "-Infinity"."""
    def one(v):
        if np.isnan(v):
            return "NaN"
        if np.isinf(v):
            return "Infinity" if v > 0 else "-Infinity"
        return float(np.format_float_positional(np.float32(v), unique=True, trim="-"))
    return [one(v) for v in x.detach().to(torch.float32).flatten().tolist()]


def run(case):
    cls = getattr(diffusers, case["scheduler"])
    sched = cls(**case["config"])
    sched.set_timesteps(case["steps"])
    gen = torch.Generator().manual_seed(case["seed"]) if case.get("seed") is not None else None
    target = deter(True)
    sample = deter(False) * getattr(sched, "init_noise_sigma", 1.0)  # FlowMatchEuler has none: 1
    kwargs = dict(case.get("kwargs", {}))
    record = {}
    begin = case.get("begin", 0)
    if begin:
        # img2img: start at timesteps[begin] on the sample noised there
        sched.set_begin_index(begin)
        sample = sched.add_noise(sample, target, sched.timesteps[begin:begin + 1])
    for i, t in enumerate(sched.timesteps):
        if i < begin:
            continue
        # FlowMatchEulerDiscreteScheduler has no scale_model_input (its model input is the sample)
        out = model(sched.scale_model_input(sample, t) if hasattr(sched, "scale_model_input") else sample, t)
        if gen is not None:
            kwargs["generator"] = gen
        sample = sched.step(out, t, sample, **kwargs).prev_sample
        sample = sample * BLEND + TARGET * target
        if i in RECORD:
            record[str(i)] = f32(sample)
    expect = {"final": f32(sample), "after_step": record}
    return expect


def case(cid, scheduler, config, steps=10, seed=None, begin=0, **kwargs):
    c = {"id": cid, "scheduler": scheduler, "config": config, "steps": steps}
    if seed is not None:
        c["seed"] = seed
    if begin:
        c["begin"] = begin
    if kwargs:
        c["kwargs"] = kwargs
    return c


DPM = "DPMSolverMultistepScheduler"
INV = "DPMSolverMultistepInverseScheduler"
UNI = "UniPCMultistepScheduler"
DEIS = "DEISMultistepScheduler"
SL = {"beta_schedule": "scaled_linear", "beta_start": 0.00085, "beta_end": 0.012}

CASES = [
    case("dpm_default", DPM, {}),
    case("dpm_o3_v", DPM, {"solver_order": 3, "prediction_type": "v_prediction", **SL}),
    case("dpm_noise_o3_heun_sigmamin", DPM, {"solver_order": 3, "algorithm_type": "dpmsolver", "solver_type": "heun",
                                           "final_sigmas_type": "sigma_min"}),
    case("dpm_noise_o2_sample", DPM, {"algorithm_type": "dpmsolver", "prediction_type": "sample", "final_sigmas_type": "sigma_min"}),
    case("dpm_heun_karras", DPM, {"solver_type": "heun", "use_karras_sigmas": True, **SL}),
    case("dpm_o3_lu_eulerfinal_16", DPM, {"solver_order": 3, "use_lu_lambdas": True, "lower_order_final": False,
                                         "euler_at_final": True}, steps=16),
    case("dpm_o3_exponential_trailing", DPM, {"solver_order": 3, "use_exponential_sigmas": True, "timestep_spacing": "trailing"}),
    case("dpm_o2_beta_sigmas", DPM, {"use_beta_sigmas": True, **SL}),
    case("dpm_threshold_sample", DPM, {"prediction_type": "sample", "thresholding": True, "sample_max_value": 0.5}),
    case("dpm_noise_threshold_sample", DPM, {"algorithm_type": "dpmsolver", "prediction_type": "sample", "thresholding": True,
                                            "sample_max_value": 0.5, "final_sigmas_type": "sigma_min"}),
    case("dpm_flow", DPM, {"use_flow_sigmas": True, "prediction_type": "flow_prediction", "flow_shift": 3.0}),
    case("dpm_sde_pp_o2", DPM, {"algorithm_type": "sde-dpmsolver++"}, seed=0),
    case("dpm_sde_pp_o3_karras", DPM, {"algorithm_type": "sde-dpmsolver++", "solver_order": 3, "use_karras_sigmas": True, **SL}, seed=1),
    case("dpm_sde_pp_heun", DPM, {"algorithm_type": "sde-dpmsolver++", "solver_type": "heun"}, seed=2),
    case("dpm_sde_noise_heun", DPM, {"algorithm_type": "sde-dpmsolver", "solver_type": "heun", "final_sigmas_type": "sigma_min"}, seed=3),
    case("dpm_sde_noise_o1", DPM, {"algorithm_type": "sde-dpmsolver", "solver_order": 1, "final_sigmas_type": "sigma_min"}, seed=4),
    case("inv_default", INV, {}),
    case("inv_o3_v", INV, {"solver_order": 3, "prediction_type": "v_prediction"}),
    case("inv_noise_heun", INV, {"algorithm_type": "dpmsolver", "solver_type": "heun"}),
    case("inv_karras_sl", INV, {"use_karras_sigmas": True, **SL}),
    case("single_o2", "DPMSolverSinglestepScheduler", {}),
    case("single_o3_12", "DPMSolverSinglestepScheduler", {"solver_order": 3}, steps=12),
    case("single_o3_heun_v", "DPMSolverSinglestepScheduler", {"solver_order": 3, "solver_type": "heun", "prediction_type": "v_prediction", **SL}),
    case("single_noise_o3_sigmamin", "DPMSolverSinglestepScheduler", {"solver_order": 3, "algorithm_type": "dpmsolver",
                                                                      "final_sigmas_type": "sigma_min", "lower_order_final": True}),
    case("single_sde_o3_heun", "DPMSolverSinglestepScheduler", {"solver_order": 3, "algorithm_type": "sde-dpmsolver++", "solver_type": "heun"}, seed=14),
    case("single_sde_o2_karras", "DPMSolverSinglestepScheduler", {"algorithm_type": "sde-dpmsolver++", "use_karras_sigmas": True, **SL}, seed=15),
    case("unipc_default", UNI, {}),
    case("unipc_bh1_o3", UNI, {"solver_type": "bh1", "solver_order": 3}),  # NaN in diffusers: B(h) = -inf at sigma 0
    case("unipc_bh1_o3_sigmamin", UNI, {"solver_type": "bh1", "solver_order": 3, "final_sigmas_type": "sigma_min"}),
    case("unipc_noise_bh2_sigmamin", UNI, {"predict_x0": False, "final_sigmas_type": "sigma_min"}),
    case("unipc_noise_bh1_o3_sigmamin", UNI, {"predict_x0": False, "solver_type": "bh1", "solver_order": 3, "final_sigmas_type": "sigma_min"}),
    case("unipc_noise_threshold_sample", UNI, {"predict_x0": False, "prediction_type": "sample", "thresholding": True,
                                                "sample_max_value": 0.5, "final_sigmas_type": "sigma_min"}),
    case("unipc_threshold_sample", UNI, {"prediction_type": "sample", "thresholding": True, "sample_max_value": 0.5}),
    case("unipc_disable_corrector", UNI, {"solver_order": 3, "disable_corrector": [0, 3, 4]}),
    case("unipc_o3_karras_v", UNI, {"solver_order": 3, "use_karras_sigmas": True, "prediction_type": "v_prediction", **SL}),
    case("unipc_o3_no_lower_final_16", UNI, {"solver_order": 3, "lower_order_final": False, "final_sigmas_type": "sigma_min"}, steps=16),
    case("unipc_flow", UNI, {"use_flow_sigmas": True, "prediction_type": "flow_prediction", "flow_shift": 3.0}),
    case("deis_default", DEIS, {}),
    case("deis_o3", DEIS, {"solver_order": 3}),
    case("deis_o3_karras_v", DEIS, {"solver_order": 3, "use_karras_sigmas": True, "prediction_type": "v_prediction", **SL}),
    case("deis_o3_no_lower_final_16", DEIS, {"solver_order": 3, "lower_order_final": False}, steps=16),
    case("deis_threshold_sample", DEIS, {"prediction_type": "sample", "thresholding": True, "sample_max_value": 0.5}),
    case("edm_euler_default", "EDMEulerScheduler", {}),
    case("edm_euler_v_exponential", "EDMEulerScheduler", {"prediction_type": "v_prediction", "sigma_schedule": "exponential"}),
    case("edm_euler_churn", "EDMEulerScheduler", {}, seed=12, s_churn=2.0, s_tmin=0.05, s_tmax=50.0),
    case("edm_dpm_default", "EDMDPMSolverMultistepScheduler", {}),
    case("edm_dpm_o3_v", "EDMDPMSolverMultistepScheduler", {"solver_order": 3, "prediction_type": "v_prediction"}),
    case("edm_dpm_heun_exponential_sigmamin", "EDMDPMSolverMultistepScheduler", {"solver_type": "heun", "sigma_schedule": "exponential",
                                                                              "final_sigmas_type": "sigma_min"}),
    case("edm_dpm_sde", "EDMDPMSolverMultistepScheduler", {"algorithm_type": "sde-dpmsolver++"}, seed=11),
    case("flow_euler_shift3", "FlowMatchEulerDiscreteScheduler", {"shift": 3.0}),
    case("flow_euler_karras", "FlowMatchEulerDiscreteScheduler", {"shift": 3.0, "use_karras_sigmas": True}),
    case("flow_euler_stochastic", "FlowMatchEulerDiscreteScheduler", {"shift": 3.0, "stochastic_sampling": True}, seed=13),
    case("sa_default", "SASolverScheduler", {}, seed=16),
    case("sa_p3_c3_karras_v", "SASolverScheduler", {"predictor_order": 3, "corrector_order": 3, "use_karras_sigmas": True,
                                                  "prediction_type": "v_prediction", **SL}, seed=17),
    case("sa_p4_c4_16", "SASolverScheduler", {"predictor_order": 4, "corrector_order": 4}, steps=16, seed=18),
    case("sa_noise_p2_c3", "SASolverScheduler", {"algorithm_type": "noise_prediction", "corrector_order": 3}, seed=19),
    case("sa_p3_c1_no_lower_final", "SASolverScheduler", {"predictor_order": 3, "corrector_order": 1, "lower_order_final": False}, seed=20),
    case("sa_p1_c2_sample", "SASolverScheduler", {"predictor_order": 1, "prediction_type": "sample"}, seed=21),
    case("dpm_o3_begin4", DPM, {"solver_order": 3}, begin=4),
    case("dpm_sde_begin3", DPM, {"algorithm_type": "sde-dpmsolver++"}, seed=22, begin=3),
    case("single_o3_begin5", "DPMSolverSinglestepScheduler", {"solver_order": 3}, begin=5),
    case("unipc_o3_begin3", UNI, {"solver_order": 3}, begin=3),
    case("deis_o3_begin2", DEIS, {"solver_order": 3}, begin=2),
    case("sa_begin2", "SASolverScheduler", {}, seed=23, begin=2),
    case("edm_dpm_begin3", "EDMDPMSolverMultistepScheduler", {}, begin=3),
    case("lcm_default", "LCMScheduler", {}, steps=4, seed=6),
    case("lcm_v_8", "LCMScheduler", {"prediction_type": "v_prediction"}, steps=8, seed=7),
    case("lcm_sample_clip", "LCMScheduler", {"prediction_type": "sample", "clip_sample": True, "clip_sample_range": 0.5}, steps=6, seed=8),
    case("tcd_default", "TCDScheduler", {}, steps=4, seed=9),
    case("tcd_eta0_v", "TCDScheduler", {"prediction_type": "v_prediction"}, steps=8, eta=0.0),
    case("tcd_eta07", "TCDScheduler", {}, steps=6, seed=10, eta=0.7),
]


def main():
    torch.set_num_threads(1)
    only = set(sys.argv[1:])
    out = {
        "about": "DiffusersStepper edited-sample loops, recorded by tools/gen_diffusers_edited_loops.py from diffusers "
                 + "58eb52c0 (torch " + torch.__version__ + " with torch 2's linspace, numpy " + np.__version__
                 + " with NEP 50 promotion, CPU, one thread)",
        "shape": list(SHAPE),
        "blend": BLEND,
        "target": TARGET,
        "record": list(RECORD),
        "dummy_sample_deter": f32(deter(False)),
        "dummy_noise_deter": f32(deter(True)),
        "cases": [],
    }
    for c in CASES:
        if only and c["scheduler"] not in only and c["id"] not in only:
            continue
        c = dict(c)
        c["expect"] = run(c)
        out["cases"].append(c)
        print(c["id"], file=sys.stderr)
    cases = out.pop("cases")
    head = "{\n" + ",\n".join(" %s: %s" % (json.dumps(k), json.dumps(v)) for k, v in out.items())
    sys.stdout.write(head + ',\n "cases": [\n' + ",\n".join("  " + json.dumps(c) for c in cases) + "\n ]\n}\n")


if __name__ == "__main__":
    main()
