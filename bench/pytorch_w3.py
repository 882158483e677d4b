"""W3 in native PyTorch, timed by Python itself: LSTM(8 -> 64) -> Linear(64 -> 1)
on the last step, MSE, Adam(1e-3, eps 1e-7 as Keras), one training step,
on one thread. bench/peers.js writes the shared weights and data to the JSON
file named on the command line and reads the JSON this prints:
{"version", "losses" (steps 1-3 from the shared weights), "median", "min", "samples"} (ms).
"""
import json
import sys
import time

import torch

torch.set_num_threads(1)
spec = json.load(open(sys.argv[1]))
budget_ms, min_runs, max_runs = spec["budgetMs"], spec["minRuns"], spec["maxRuns"]
I, H, B, T = spec["I"], spec["H"], spec["B"], spec["T"]

lstm = torch.nn.LSTM(I, H, batch_first=True)
head = torch.nn.Linear(H, 1)
t = lambda v, *shape: torch.tensor(v, dtype=torch.float32).reshape(*shape)
with torch.no_grad():
    lstm.weight_ih_l0.copy_(t(spec["weight_ih"], 4 * H, I))
    lstm.weight_hh_l0.copy_(t(spec["weight_hh"], 4 * H, H))
    # one bias, as Keras and TF.js have it: PyTorch's two (same gradient) would each take an Adam step,
    # moving their sum twice as far as a single bias moves, a different optimization from the same start
    lstm.bias_ih_l0.copy_(t(spec["bias_ih"], 4 * H) + t(spec["bias_hh"], 4 * H))
    lstm.bias_hh_l0.zero_()
    head.weight.copy_(t(spec["dense_weight"], 1, H))
    head.bias.copy_(t(spec["dense_bias"], 1))
lstm.bias_hh_l0.requires_grad_(False)
x, y = t(spec["x"], B, T, I), t(spec["y"], B, 1)
params = [p for p in list(lstm.parameters()) + list(head.parameters()) if p.requires_grad]
opt = torch.optim.Adam(params, lr=spec["lr"], eps=1e-7)


def step():
    opt.zero_grad()
    out, _ = lstm(x)
    loss = torch.nn.functional.mse_loss(head(out[:, -1, :]), y)
    loss.backward()
    opt.step()
    return loss.item()


losses = [step() for _ in range(3)]
times = []
for _ in range(5):  # warm-up, and how many samples fit in the budget
    t0 = time.perf_counter()
    step()
    times.append((time.perf_counter() - t0) * 1e3)
runs = max(min_runs, min(max_runs, int(budget_ms / min(times))))
times = []
for _ in range(runs):
    t0 = time.perf_counter()
    step()
    times.append((time.perf_counter() - t0) * 1e3)
times.sort()
print(json.dumps({"version": torch.__version__, "blas": torch.__config__.show().split("BLAS_INFO=")[1].split(",")[0], "threads": torch.get_num_threads(), "losses": losses,
                  "median": times[len(times) // 2], "min": times[0], "samples": len(times)}))
