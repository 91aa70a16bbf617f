"""Real footage from the package registries, with hand-checked annotations.

The shared clips are the only real footage the detector was tuned on.  These are
other real videos that ship inside packages this machine can reach (Debian), with
licences that allow benchmarking and sharing annotations.  The annotations live in
``benchmarks/registry/`` (the shared clips' format, see their README); the videos
are fetched from the registry, checked against their SHA-256 and never copied into
this repository::

    python benchmarks/registry.py [--out /tmp/cutrate-registry]
    python benchmarks/accuracy.py /tmp/cutrate-registry --set registry

| clip | source | licence |
| --- | --- | --- |
| ``sintel_trailer-720p.mp4`` | Debian source package ``libopenshot`` (``examples/``) | CC-BY 3.0, Blender Foundation ("Sintel", durian.blender.org; the trailer's end card) |
| ``fillets_ng_intro.mpg`` | Debian package ``fillets-ng-data`` (``images/menu/intro.mpg``) | GPL-2, ALTAR interactive / Fish Fillets NG (the package's copyright file) |

Needs ``apt-get`` and ``dpkg-deb`` (a Debian or Ubuntu machine) and about 100 MB of
downloads; the source package is fetched with a private source list, so the
system's apt configuration is not touched.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ANNOTATIONS = HERE / "registry"
DEFAULT_OUT = Path("/tmp/cutrate-registry")
DEB_SRC = "deb-src http://deb.debian.org/debian bookworm main\n"


@dataclass(frozen=True)
class Clip:
    name: str
    package: str
    member: str  # path inside the extracted package
    sha256: str
    source: bool  # a source package (apt-get source) rather than a binary one


CLIPS = (
    Clip("sintel_trailer-720p.mp4", "libopenshot", "libopenshot-0.2.7/examples/sintel_trailer-720p.mp4",
         "cb0fe73fc0a7d543459996c0cdab730997e6eac1013d3ede18796f777cb7f273", source=True),
    Clip("fillets_ng_intro.mpg", "fillets-ng-data", "usr/share/games/fillets-ng/images/menu/intro.mpg",
         "4a824a2b03086d222560cc95baf66159ba993257efb3f2e3849868fa6acfc77f", source=False),
)


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _run(cmd: list[str], cwd: Path) -> None:
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed: {done.stderr.strip().splitlines()[-1:] or done.returncode}")


def fetch(clip: Clip, work: Path) -> Path:
    """Download ``clip``'s package into ``work`` and return the extracted video."""
    if clip.source:
        lists = work / "lists"
        (lists / "partial").mkdir(parents=True, exist_ok=True)
        (work / "sources.list").write_text(DEB_SRC)
        private = ["-o", f"Dir::Etc::sourcelist={work / 'sources.list'}", "-o", "Dir::Etc::sourceparts=-",
                   "-o", f"Dir::State::Lists={lists}"]
        _run(["apt-get", *private, "update"], work)
        _run(["apt-get", *private, "source", "--download-only", clip.package], work)
        orig = next(work.glob(f"{clip.package}_*.orig.tar.*"))
        with tarfile.open(orig) as tar:
            tar.extract(clip.member, work, filter="data")
    else:
        _run(["apt-get", "download", clip.package], work)
        deb = next(work.glob(f"{clip.package}_*.deb"))
        _run(["dpkg-deb", "-x", str(deb), str(work / "x")], work)
        return work / "x" / clip.member
    return work / clip.member


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="directory for the clips (default: %(default)s)")
    args = p.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    failed = 0
    for clip in CLIPS:
        dest = args.out / clip.name
        truth = ANNOTATIONS / f"{clip.name}.transitions.tsv"
        if not (dest.exists() and sha256(dest) == clip.sha256):
            with tempfile.TemporaryDirectory() as tmp:
                try:
                    got = fetch(clip, Path(tmp))
                except (RuntimeError, StopIteration, KeyError, OSError) as exc:
                    print(f"{clip.name}: could not fetch {clip.package}: {exc}", file=sys.stderr)
                    failed += 1
                    continue
                if sha256(got) != clip.sha256:
                    print(f"{clip.name}: {clip.package} holds another file than the annotated one (SHA-256 differs)",
                          file=sys.stderr)
                    failed += 1
                    continue
                shutil.copyfile(got, dest)
        shutil.copyfile(truth, args.out / truth.name)
        print(f"{dest}  ({clip.package})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
