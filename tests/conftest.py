import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

# The suite lints the same sources under monkeypatched code: findings come from the code, never the
# cache (tests/test_cache.py turns it on where it is the subject). Subprocesses inherit this.
os.environ.setdefault("SHAPELINT_NO_CACHE", "1")

# Nor from a daemon a user left running (tests/test_daemon.py starts its own, in its own directory).
os.environ["SHAPELINT_DAEMON"] = "0"

# Many tests run the CLI as a user does, in a subprocess. Where PYTHONDONTWRITEBYTECODE is set,
# each of those would compile libcst and shapelint from source again (a third of a second
# apiece); with it, they share one bytecode cache for the session, outside the source tree.
if os.environ.pop("PYTHONDONTWRITEBYTECODE", None) is not None and "PYTHONPYCACHEPREFIX" not in os.environ:
    import atexit
    import shutil
    import tempfile

    _PYCACHE = tempfile.mkdtemp(prefix="shapelint-tests-pycache-")
    os.environ["PYTHONPYCACHEPREFIX"] = _PYCACHE
    atexit.register(shutil.rmtree, _PYCACHE, True)
