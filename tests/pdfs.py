"""PDFs the tests produce, kept with page 1 rendered to PNG (pdftoppm) for people to look at."""

import os
import subprocess
from pathlib import Path

# TEST_ARTIFACTS gives each pass of make test a folder of its own.
ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS") or Path(__file__).resolve().parent / "artifacts")


def keep_with_first_page(content: bytes, name: str) -> Path:
    """Write tests/artifacts/<name>.pdf and page 1 as PNG; return the PNG's path (pdftoppm
    pads the page number to the width of the page count: -1, -01)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdf = ARTIFACTS / f"{name}.pdf"
    pdf.write_bytes(content)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(ARTIFACTS / name)],
        check=True,
        timeout=60,
    )
    (png,) = [p for p in ARTIFACTS.glob(f"{name}-*.png") if p.stem.split("-")[-1].strip("0") == "1"]
    return png
