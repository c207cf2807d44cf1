"""Low-rank adapters (LoRA) merged into a BERT's weights, so the adapted model costs one plain forward pass."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np


def merge(bert, params: Mapping[str, np.ndarray], prefix: str, scale: float) -> int:
    """Add ``scale * B @ A`` to each adapted linear layer of ``bert`` (a transformers BertModel, changed in place).

    ``params`` holds ``<prefix>.<layer>.<module>.A`` (rank x in) and ``.B`` (out x rank) for the modules
    adapted, e.g. ``lora.3.attention.self.query.A``. Returns how many layers were changed.
    """
    import torch

    names = sorted(
        {key[len(prefix) + 1 : -2] for key in params if key.startswith(prefix + ".") and key.endswith(".A")}
    )
    matrix = lambda key: torch.from_numpy(np.asarray(params[f"{prefix}.{key}"], dtype=np.float32))
    with torch.no_grad():
        for name in names:
            layer, module = name.split(".", 1)
            bert.encoder.layer[int(layer)].get_submodule(module).weight += (
                scale * matrix(f"{name}.B") @ matrix(f"{name}.A")
            )
    return len(names)
