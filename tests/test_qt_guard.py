"""Guard against a PySide6 build that corrupts None's reference count.

PySide6 6.12.0 on Python 3.11 decrements None's refcount on every Qt call that returns
nothing; after a few thousand calls the interpreter aborts (none_dealloc). Run the calls in a
child interpreter so a bad build fails this test instead of killing the suite.
"""

import subprocess
import sys

CHECK = """
import sys
from PySide6.QtCore import QObject
obj = QObject()
before = sys.getrefcount(None)
for i in range(3000):
    obj.setObjectName("probe")  # a Qt call that returns nothing
after = sys.getrefcount(None)
print(before, after)
"""


def test_void_qt_calls_leave_none_refcount_intact():
    out = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True)
    assert out.returncode == 0, f"interpreter died: {out.stderr[-500:]}"
    before, after = map(int, out.stdout.split())
    # Python ≥ 3.12 makes None immortal (constant count); 3.11 must not lose references.
    assert after >= before - 100, f"None lost {before - after} references in 3000 Qt calls"


def test_pinned_pyside6_is_not_the_known_bad_release():
    import PySide6

    if sys.version_info[:2] == (3, 11):
        assert PySide6.__version__ != "6.12.0"
