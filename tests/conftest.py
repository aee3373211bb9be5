import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

# The suite lints the same sources under monkeypatched code: findings come from the code, never the
# cache (tests/test_cache.py turns it on where it is the subject). Subprocesses inherit this.
os.environ.setdefault("SHAPELINT_NO_CACHE", "1")
