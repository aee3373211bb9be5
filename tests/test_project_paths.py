"""Which project file an import means: as Python's own finder decides it."""
from __future__ import annotations

from importlib.machinery import PathFinder

from shapelint.infer.project_paths import resolve


def test_a_package_wins_over_a_module_of_the_same_name_as_in_python(tmp_path):
    (tmp_path / "helper").mkdir()
    (tmp_path / "helper" / "__init__.py").write_text("")
    (tmp_path / "helper.py").write_text("")
    (tmp_path / "plain").mkdir()  # no __init__.py: a namespace portion, which a module beats
    (tmp_path / "plain.py").write_text("")
    user = tmp_path / "user.py"
    user.write_text("import helper, plain\n")
    for name in ("helper", "plain"):
        assert str(resolve(str(user), name, 0)) == PathFinder.find_spec(name, [str(tmp_path)]).origin


def test_probes_record_what_was_asked(tmp_path):
    (tmp_path / "helper.py").write_text("")
    user = tmp_path / "user.py"
    user.write_text("from helper import f\n")
    probes: set = set()
    assert resolve(str(user), "helper", 0, probes) == tmp_path / "helper.py"
    assert (str(tmp_path / "helper" / "__init__.py"), False) in probes and (str(tmp_path / "helper.py"), True) in probes
