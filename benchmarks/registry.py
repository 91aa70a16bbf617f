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

The package files are downloaded over HTTP from the Debian archive (with
snapshot.debian.org as the fallback once a release leaves it; about 95 MB) and unpacked
in Python (``.deb`` is an ``ar`` archive), so neither apt nor dpkg is needed and the
system is not touched.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import shutil
import sys
import tarfile
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ANNOTATIONS = HERE / "registry"
DEFAULT_OUT = Path("/tmp/cutrate-registry")
#: Where the package files are, first the archive, then a snapshot that stays.
MIRRORS = ("http://deb.debian.org/debian", "http://snapshot.debian.org/archive/debian/20250520T000000Z")


@dataclass(frozen=True)
class Clip:
    name: str
    pool: str  # the package file, under the mirror's pool/
    member: str  # the video's path inside the file (inside data.tar for a .deb)
    sha256: str


CLIPS = (
    Clip("sintel_trailer-720p.mp4", "main/libo/libopenshot/libopenshot_0.2.7+dfsg1.orig.tar.xz",
         "libopenshot-0.2.7/examples/sintel_trailer-720p.mp4",
         "cb0fe73fc0a7d543459996c0cdab730997e6eac1013d3ede18796f777cb7f273"),
    Clip("fillets_ng_intro.mpg", "main/f/fillets-ng-data/fillets-ng-data_1.0.1-1.1_all.deb",
         "./usr/share/games/fillets-ng/images/menu/intro.mpg",
         "4a824a2b03086d222560cc95baf66159ba993257efb3f2e3849868fa6acfc77f"),
)


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def download(pool: str, dest: Path) -> None:
    """Fetch ``pool`` from the first mirror that has it."""
    errors = []
    for mirror in MIRRORS:
        try:
            with urllib.request.urlopen(f"{mirror}/pool/{pool}", timeout=60) as r, dest.open("wb") as f:
                shutil.copyfileobj(r, f, 1 << 20)
            return
        except (urllib.error.URLError, OSError) as exc:
            errors.append(f"{mirror}: {exc}")
    raise OSError("; ".join(errors))


def deb_data(deb: Path) -> bytes:
    """The ``data.tar.*`` member of a ``.deb`` (an ``ar`` archive)."""
    raw = deb.read_bytes()
    if not raw.startswith(b"!<arch>\n"):
        raise OSError(f"{deb.name} is not a Debian package")
    pos = 8
    while pos + 60 <= len(raw):
        name = raw[pos : pos + 16].decode().strip().rstrip("/")
        size = int(raw[pos + 48 : pos + 58].decode().strip())
        if name.startswith("data.tar"):
            return raw[pos + 60 : pos + 60 + size]
        pos += 60 + size + (size & 1)
    raise OSError(f"{deb.name} has no data.tar")


def extract(archive: tarfile.TarFile, member: str, dest: Path) -> None:
    f = archive.extractfile(member)
    if f is None:
        raise OSError(f"{member} is not a file")
    with dest.open("wb") as out:
        shutil.copyfileobj(f, out, 1 << 20)


def fetch(clip: Clip, work: Path, dest: Path) -> None:
    """Download ``clip``'s package file into ``work`` and write the video to ``dest``."""
    package = work / clip.pool.rsplit("/", 1)[1]
    download(clip.pool, package)
    if package.suffix == ".deb":
        with tarfile.open(fileobj=io.BytesIO(deb_data(package))) as tar:
            extract(tar, clip.member, dest)
    else:
        with tarfile.open(package) as tar:
            extract(tar, clip.member, dest)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="directory for the clips (default: %(default)s)")
    args = p.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    failed = 0
    for clip in CLIPS:
        dest = args.out / clip.name
        truth = ANNOTATIONS / f"{clip.name}.transitions.tsv"
        if not truth.exists():
            print(f"{clip.name}: its annotation {truth} is missing", file=sys.stderr)
            failed += 1
            continue
        if not (dest.exists() and sha256(dest) == clip.sha256):
            with tempfile.TemporaryDirectory() as tmp:
                got = Path(tmp) / clip.name
                try:
                    fetch(clip, Path(tmp), got)
                except (OSError, KeyError, ValueError, tarfile.TarError) as exc:
                    print(f"{clip.name}: could not fetch {clip.pool}: {exc}", file=sys.stderr)
                    failed += 1
                    continue
                if sha256(got) != clip.sha256:
                    print(f"{clip.name}: {clip.pool} holds another file than the annotated one (SHA-256 differs)",
                          file=sys.stderr)
                    failed += 1
                    continue
                shutil.copyfile(got, dest)
        shutil.copyfile(truth, args.out / truth.name)
        print(f"{dest}  ({clip.pool.rsplit('/', 1)[1]})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
