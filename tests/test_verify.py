"""shapelint verify: the reference passes, classic shape bugs are caught and located."""
import io
from pathlib import Path

import pytest

from shapelint.verify import verify

REPO_ROOT = Path(__file__).resolve().parents[1]
REFERENCE = REPO_ROOT / "reference_net" / "vectorized.py"
DB_LINE = "db = (1 / m) * np.sum(dZ, axis=1, keepdims=True)  # (n_l, 1)"
DW_LINE = "dW = (1 / m) * (dZ @ A_prev.T)  # (n_l, n_prev)"


def run(path):
    out = io.StringIO()
    code = verify(str(path), out=out)
    return code, out.getvalue()


def buggy_copy(tmp_path, old, new, keep_asserts=False):
    """The reference network with one line changed, written to tmp_path.

    The reference's shape asserts would catch most bugs first, so they are
    dropped unless kept on purpose: most networks in the wild have none.
    """
    source = REFERENCE.read_text()
    assert source.count(old) == 1, f"{old!r} must occur once in the reference"
    source = source.replace(old, new)
    if not keep_asserts:
        lines = source.splitlines(keepends=True)
        source = "".join(line for line in lines if not line.lstrip().startswith("assert "))
    path = tmp_path / "net.py"
    path.write_text(source)
    return path


def test_reference_matches():
    code, report = run(REFERENCE)
    assert code == 0, report
    assert "match" in report
    assert "4 configurations" in report
    assert "layer_dims=(6, 3, 2)" in report


def test_loop_twin_matches_itself():
    code, report = run(REPO_ROOT / "reference_net" / "loops.py")
    assert code == 0, report


def test_db_without_keepdims(tmp_path):
    path = buggy_copy(tmp_path, DB_LINE, "db = (1 / m) * np.sum(dZ, axis=1)")
    code, report = run(path)
    assert code == 1, report
    assert "MISMATCH" in report
    assert "backward: db1 [layer_dims=(5, 4, 3, 1), m=7, hidden=tanh]" in report
    assert "expected shape:     (4, 1)" in report
    assert "got shape:          (4,)" in report


def test_db_summed_over_the_wrong_axis(tmp_path):
    path = buggy_copy(tmp_path, DB_LINE, "db = (1 / m) * np.sum(dZ, axis=0, keepdims=True)")
    code, report = run(path)
    assert code == 1, report
    assert "backward: db1" in report
    assert "got shape:          (1, 7)" in report


def test_dw_without_transpose_reports_where_it_raised(tmp_path):
    path = buggy_copy(tmp_path, DW_LINE, "dW = (1 / m) * (dZ @ A_prev)")
    code, report = run(path)
    assert code == 1, report
    assert "your code raised" in report
    assert "backward [layer_dims=(5, 4, 3, 1), m=7, hidden=tanh]" in report
    assert "ValueError" in report
    line = path.read_text().splitlines().index("        dW = (1 / m) * (dZ @ A_prev)") + 1
    assert f"{path}:{line} in backward" in report
    assert "dW = (1 / m) * (dZ @ A_prev)" in report


def test_shape_assert_in_the_user_code_is_reported_where_it_fired(tmp_path):
    path = buggy_copy(tmp_path, DB_LINE, "db = (1 / m) * np.sum(dZ, axis=1)", keep_asserts=True)
    code, report = run(path)
    assert code == 1, report
    assert "AssertionError" in report
    assert "in backward" in report
    assert "assert db.shape == (n_l, 1)" in report


def test_rank1_bias_update_that_only_shows_in_training(tmp_path):
    """backward is right, but the update subtracts a rank-1 db: ``(n, 1) - (n,)`` silently
    becomes ``(n, n)``, and the next epoch's forward pass raises."""
    path = buggy_copy(tmp_path, 'params[f"b{l}"] -= lr * grads[f"db{l}"]',
                      'params[f"b{l}"] = params[f"b{l}"] - lr * grads[f"db{l}"][:, 0]')
    code, report = run(path)
    assert code == 1, report
    assert "train (3 epochs, full batch) [layer_dims=(5, 4, 3, 1), m=7, hidden=tanh]" in report
    assert "ValueError" in report
    assert "in forward" in report
    assert "Z = W @ A_prev + b" in report


def test_value_bug_reports_the_difference(tmp_path):
    path = buggy_copy(tmp_path, "dZ = AL - Y  # (n_y, m)", "dZ = Y - AL  # (n_y, m)")
    code, report = run(path)
    assert code == 1, report
    assert "backward: dW1" in report
    assert "max abs difference:" in report and "n/a" not in report


def test_syntax_error_cannot_load(tmp_path):
    path = buggy_copy(tmp_path, "def backward(AL, Y, params, cache):",
                      "def backward(AL, Y, params, cache)")
    code, report = run(path)
    assert code == 2, report
    assert "could not load" in report
    assert "SyntaxError" in report


def test_missing_backward_cannot_load(tmp_path):
    path = buggy_copy(tmp_path, "def backward(AL, Y, params, cache):",
                      "def backprop(AL, Y, params, cache):")
    code, report = run(path)
    assert code == 2, report
    assert "missing API function(s): backward" in report


def test_missing_file_cannot_load(tmp_path):
    code, report = run(tmp_path / "nowhere.py")
    assert code == 2
    assert "no such file" in report


def test_import_error_cannot_load(tmp_path):
    path = tmp_path / "net.py"
    path.write_text("import numpy as np\nimport a_module_that_does_not_exist\n")
    code, report = run(path)
    assert code == 2
    assert "ModuleNotFoundError" in report
    assert f"{path}:2" in report


def test_user_prints_do_not_reach_the_report(tmp_path, capsys):
    path = buggy_copy(tmp_path, "def cost(AL, Y):", "print('import noise')\n\n\ndef cost(AL, Y):")
    source = path.read_text().replace('    """Binary cross-entropy averaged over the m examples."""',
                                      '    """Binary cross-entropy."""\n    print("cost noise")')
    path.write_text(source)
    code, report = run(path)
    assert code == 0, report
    assert "noise" not in report
    assert "noise" not in capsys.readouterr().out
    assert "suppressed" in report


@pytest.mark.parametrize("seed_line", ["rng = np.random.RandomState(seed + 1)"])
def test_different_init_still_verifies_shapes(tmp_path, seed_line):
    path = buggy_copy(tmp_path, "    rng = np.random.RandomState(seed)\n", f"    {seed_line}\n")
    code, report = run(path)
    assert code == 0, report
    assert "shapes only" in report


COURSE_STYLE = '''
from reference_net import vectorized as v

def init_params(layer_dims, seed=0):
    return v.init_params(layer_dims, seed)

def forward(X, params):  # one activation, built in; no `hidden`
    return v.forward(X, params, "relu")

def cost(AL, Y):
    return v.cost(AL, Y)

def backward(AL, Y, params, cache):
    return v.backward(AL, Y, params, cache)

def train(X, Y, layer_dims, epochs, lr):  # no batch_size, seed or hidden
    return v.train(X, Y, layer_dims, epochs, lr, hidden="relu")
'''


def test_the_documented_api_without_options_is_accepted(tmp_path):
    path = tmp_path / "course_net.py"
    path.write_text(COURSE_STYLE)
    code, report = run(path)
    assert code == 0, report
    assert "hidden=relu" in report and "hidden=tanh" not in report


def test_a_signature_that_does_not_fit_names_the_expected_api(tmp_path):
    path = tmp_path / "net.py"
    path.write_text(COURSE_STYLE.replace("def backward(AL, Y, params, cache):", "def backward(AL, Y, cache):")
                    .replace("v.backward(AL, Y, params, cache)", "None"))
    code, report = run(path)
    assert code == 2, report
    assert "TypeError" not in report.splitlines()[0]
    assert "backward(AL, Y, cache): too many positional arguments" in report
    assert "backward(AL, Y, params, cache) -> grads" in report
    assert "train(X, Y, layer_dims, epochs, lr[, batch_size=None]" in report
