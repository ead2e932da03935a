"""Does a screenshot of the Overview show text? OCR (tesseract) must read the screen's words.

    python packaging/text_check.py SHOT.png [...]     exit 0 when every shot passes

Without fonts Qt draws each glyph as an empty box: OCR then reads none of the words, so this
check fails on a font-less system (package-check runs it there as a negative control).
"""

from __future__ import annotations

import re
import subprocess
import sys

# Words of the Overview's fixed captions (section titles and labels), as OCR reads them.
WORDS = ("FEEDERS", "MIXER", "GAUGE", "RECIPE", "Mass", "flow", "Hopper", "Line", "speed")
NEEDED = 6


def words_found(png: str) -> list[str]:
    text = subprocess.run(
        ["tesseract", png, "-", "--psm", "3"], capture_output=True, text=True, check=True
    ).stdout
    read = set(re.findall(r"[A-Za-z]+", text))
    return [w for w in WORDS if w in read]


def main(paths: list[str]) -> int:
    failed = 0
    for png in paths:
        found = words_found(png)
        ok = len(found) >= NEEDED
        failed += not ok
        verdict = "text rendered" if ok else "NO readable text (empty boxes?)"
        print(f"{png}: {verdict}: {len(found)}/{len(WORDS)} words read ({' '.join(found)})")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
