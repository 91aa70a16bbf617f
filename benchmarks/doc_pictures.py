"""Make the pictures in docs/images/ again, from the project's own synthetic material.

    python benchmarks/doc_pictures.py            # needs chromium (or chromium-browser) on PATH

- ``season-page.png``: the season page (``index.html``) of the synthetic season of
  :mod:`cutrate.testing.seasons` (4 episodes, a 40 s opening and a 30 s ending found and left
  out), as headless Chromium shows it.

The PNGs are reduced to a 64-colour palette so that they stay small in git.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
IMAGES = ROOT / "docs" / "images"


def screenshot(page: Path, png: Path, size: tuple[int, int]) -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if browser is None:
        sys.exit("error: no chromium on PATH (apt-get install -y chromium)")
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    f"--screenshot={png}", f"--window-size={size[0]},{size[1]}", page.as_uri()],
                   check=True, capture_output=True)
    img = Image.open(png).convert("RGB")
    img.quantize(64, method=Image.Quantize.MEDIANCUT).save(png, optimize=True)


def season_page(work: Path) -> Path:
    from click.testing import CliRunner

    from cutrate import cli
    from cutrate.testing.seasons import SeasonSpec, render_season

    episodes = render_season(work / "season", SeasonSpec())
    out = work / "reports"
    r = CliRunner().invoke(cli.main, ["analyze", *(str(e.path) for e in episodes), "-o", str(out), "--no-cache",
                                      "--no-exports"])
    if r.exit_code:
        sys.exit(r.output)
    png = IMAGES / "season-page.png"
    screenshot(out / "index.html", png, (1300, 1250))
    return png


def main() -> None:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    IMAGES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        png = season_page(Path(tmp))
    print(f"{png.relative_to(ROOT)}: {png.stat().st_size / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
