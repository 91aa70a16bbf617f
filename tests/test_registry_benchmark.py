"""benchmarks/registry.py unpacks Debian packages without dpkg (a .deb is an ar archive)."""

from __future__ import annotations

import importlib.util
import io
import sys
import tarfile
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "registry.py"


def _load():
    spec = importlib.util.spec_from_file_location("registry_benchmark", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _ar(members: list[tuple[str, bytes]]) -> bytes:
    out = bytearray(b"!<arch>\n")
    for name, data in members:
        out += f"{name + '/':<16}{0:<12}{0:<6}{0:<6}{'100644':<8}{len(data):<10}`\n".encode()
        out += data + (b"\n" if len(data) % 2 else b"")
    return bytes(out)


def _tar(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def test_the_video_comes_out_of_a_debs_data_archive(tmp_path):
    reg = _load()
    deb = tmp_path / "pkg_1.0_all.deb"
    deb.write_bytes(_ar([("debian-binary", b"2.0\n"), ("control.tar.gz", _tar({"./control": b"Package: pkg\n"})),
                         ("data.tar.gz", _tar({"./usr/share/pkg/intro.mpg": b"video bytes"}))]))
    with tarfile.open(fileobj=io.BytesIO(reg.deb_data(deb))) as tar:
        reg.extract(tar, "./usr/share/pkg/intro.mpg", tmp_path / "intro.mpg")
    assert (tmp_path / "intro.mpg").read_bytes() == b"video bytes"


def test_a_file_that_is_no_deb_is_a_clear_error(tmp_path):
    reg = _load()
    bad = tmp_path / "x.deb"
    bad.write_bytes(b"<html>not found</html>")
    with pytest.raises(OSError, match="not a Debian package"):
        reg.deb_data(bad)


def test_every_clip_has_its_annotation():
    reg = _load()
    for clip in reg.CLIPS:
        assert (reg.ANNOTATIONS / f"{clip.name}.transitions.tsv").exists()
