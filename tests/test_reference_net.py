"""The reference network: twins agree, the check and bench commands run."""
import io
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from reference_net import bench, check, loops, samples_first, vectorized

REPO_ROOT = Path(__file__).resolve().parents[1]
LAYER_DIMS = [5, 4, 3, 1]
M = 7


def make_data(layer_dims=LAYER_DIMS, m=M):
    return check.make_data(layer_dims[0], layer_dims[-1], m)


def test_check_passes_as_a_function():
    out = io.StringIO()
    assert check.check(out=out, epochs=20) == 0
    report = out.getvalue()
    assert "check passed" in report
    assert "FAIL" not in report
    for hidden in ("tanh", "relu"):
        assert f"hidden={hidden}]" in report
    assert "gradient check, all parameters" in report


def test_check_passes_from_the_command_line():
    result = subprocess.run([sys.executable, "-m", "reference_net", "check"], cwd=REPO_ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "check passed" in result.stdout


def test_check_fails_when_a_twin_disagrees(monkeypatch):
    """The check must be able to fail: break the vectorized db and expect exit 1."""
    original = vectorized.backward

    def broken_backward(AL, Y, params, cache):
        grads = original(AL, Y, params, cache)
        grads["db1"] = grads["db1"] * 1.001
        return grads

    monkeypatch.setattr(vectorized, "backward", broken_backward)
    out = io.StringIO()
    assert check.check(out=out, epochs=2) == 1
    assert "check FAILED" in out.getvalue()
    assert "backward db1" in out.getvalue()


def test_twins_share_init_params():
    for name, value in vectorized.init_params(LAYER_DIMS, 7).items():
        assert np.array_equal(value, loops.init_params(LAYER_DIMS, 7)[name])
    params = vectorized.init_params(LAYER_DIMS, 0)
    assert params["W2"].shape == (3, 4)
    assert params["b2"].shape == (3, 1)
    assert not params["b2"].any()


@pytest.mark.parametrize("hidden", ["tanh", "relu"])
def test_loop_and_vectorized_gradients_agree(hidden):
    X, Y = make_data()
    params = check.random_params(LAYER_DIMS)
    AL_loop, cache_loop = loops.forward(X, params, hidden)
    AL_vec, cache_vec = vectorized.forward(X, params, hidden)
    assert AL_vec.shape == (1, M)
    np.testing.assert_allclose(AL_vec, AL_loop, rtol=1e-12)
    grads_loop = loops.backward(AL_loop, Y, params, cache_loop)
    grads_vec = vectorized.backward(AL_vec, Y, params, cache_vec)
    assert sorted(grads_vec) == sorted(grads_loop) == ["dW1", "dW2", "dW3", "db1", "db2", "db3"]
    for name in grads_loop:
        assert grads_vec[name].shape == grads_loop[name].shape
        np.testing.assert_allclose(grads_vec[name], grads_loop[name], rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("hidden", ["tanh", "relu"])
def test_samples_first_agrees_with_the_loop_twin(hidden):
    layer_dims = [6, 3, 2]  # n_y = 2: a rank-1 bias must broadcast along the right axis
    X, Y = make_data(layer_dims, 11)
    params = check.random_params(layer_dims)
    sf_params = samples_first.to_samples_first(params)
    assert sf_params["b1"].shape == (3,)
    AL_loop, cache_loop = loops.forward(X, params, hidden)
    AL_sf, cache_sf = samples_first.forward(X.T, sf_params, hidden)
    assert AL_sf.shape == (11, 2)
    np.testing.assert_allclose(AL_sf.T, AL_loop, rtol=1e-12)
    assert samples_first.cost(AL_sf, Y.T) == pytest.approx(loops.cost(AL_loop, Y), rel=1e-12)
    grads_loop = loops.backward(AL_loop, Y, params, cache_loop)
    grads_sf = samples_first.backward(AL_sf, Y.T, sf_params, cache_sf)
    assert grads_sf["db2"].shape == (2,)
    for name, value in samples_first.to_features_first(grads_sf).items():
        np.testing.assert_allclose(value, grads_loop[name], rtol=1e-10, atol=1e-14)


def test_samples_first_training_matches_after_epochs():
    X, Y = make_data()
    params_loop, costs_loop = loops.train(X, Y, LAYER_DIMS, 15, 0.5, batch_size=3, seed=2)
    params_sf, costs_sf = samples_first.train(X.T, Y.T, LAYER_DIMS, 15, 0.5, batch_size=3, seed=2)
    np.testing.assert_allclose(costs_sf, costs_loop, rtol=1e-10)
    for name, value in samples_first.to_features_first(params_sf).items():
        np.testing.assert_allclose(value, params_loop[name], rtol=1e-10, atol=1e-14)


def test_converters_round_trip():
    params = check.random_params(LAYER_DIMS)
    back = samples_first.to_features_first(samples_first.to_samples_first(params))
    for name, value in params.items():
        assert np.array_equal(back[name], value)


def test_vectorized_training_lowers_the_cost():
    X, Y = bench.circle_data(400)
    params, costs = vectorized.train(X, Y, [2, 10, 1], 300, 1.0, seed=0)
    assert len(costs) == 300
    assert costs[-1] < costs[0]


def test_bench_quick_prints_the_table(tmp_path):
    out = io.StringIO()
    results = bench.run_bench(quick=True, plot_path=str(tmp_path / "speedup.png"), out=out)
    report = out.getvalue()
    assert "(a) forward pass" in report and "(b) training" in report
    assert "published ~95x" in report and "published ~205x" in report
    rows = results["sweep"]
    assert [row["m"] for row in rows] == list(bench.QUICK.sweep_sizes)
    for row in rows:
        assert f"{row['m']:>9,}" in report
        assert row["vec_s"] > 0 and row["matmul_s"] > 0 and row["loop_s"] > 0
    assert not rows[0]["loop_extrapolated"], "the smallest size is always measured"
    # Not a timing test: per example the loop twin does dozens of numpy calls, the
    # vectorized pass a handful for all 10,000 examples, so this holds on any machine.
    assert rows[-1]["speedup"] > 1
    assert results["train"]["cost_diff"] < 1e-10
    assert results["forward"]["max_abs_diff"] < 1e-12
    if results["plot"] is None:
        assert "pip install -e '.[plot]'" in report
    else:
        assert (tmp_path / "speedup.png").stat().st_size > 0
