"""The adapted part of the check-worthiness model: the bundled encoder with LoRA adapters.

Low-rank adapters (LoRA) on every layer: ``<head>.lora.<layer>.<module>.A``
(rank x in) and ``.B`` (out x rank) are added, scaled by ``<head>.lora_scale``,
to the weights of a private copy of the bundled BERT (the shared embedder is not
touched), whose mean-pooled, normalised output a linear head
(``<head>.lora.head.weight``, ``.bias``) scores. A few hundred KB;
``claims/train/lora.py`` trains them.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence

import numpy as np

from claims.embed.lora import merge

MAX_TOKENS = 96  # longer sentences are cut (a ClaimBuster sentence averages 28 tokens)
BATCH = 64


def _torch():
    import torch

    return torch


class Bert:
    """The bundled model's tokenizer and BERT."""

    def __init__(self, st_model=None):
        if st_model is None:
            from claims.embed.encoder import default_embedder

            st_model = default_embedder().model
        self.tokenizer = st_model.tokenizer
        self.bert = st_model[0].auto_model.eval()

    def tokens(self, texts: Sequence[str]):
        return self.tokenizer(
            list(texts), padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="pt"
        )


def lora_arrays(adapters: Mapping[str, tuple], head, prefix: str) -> dict[str, np.ndarray]:
    """LoRA matrices (``{"<layer>.<module>": (A, B)}``, torch tensors) and the linear head as float16
    arrays named ``<prefix>.<layer>.<module>.A`` / ``.B`` and ``<prefix>.head.weight`` / ``.bias``."""
    out = {}
    for name, (a, b) in adapters.items():
        out[f"{prefix}.{name}.A"] = a.detach().cpu().numpy().astype(np.float16)
        out[f"{prefix}.{name}.B"] = b.detach().cpu().numpy().astype(np.float16)
    out[f"{prefix}.head.weight"] = head.weight.detach().cpu().numpy().astype(np.float16)
    out[f"{prefix}.head.bias"] = head.bias.detach().cpu().numpy().astype(np.float16)
    return out


class LoRA:
    """Logits of shipped LoRA adapters (``<prefix>.*`` in the parameter file) on a copy of the bundled encoder.

    The adapters are merged into the copy's weights (``W + scale * B @ A``) once,
    so scoring costs one plain forward pass.
    """

    def __init__(self, params: Mapping[str, np.ndarray], prefix: str, scale: float, bert: Bert | None = None):
        torch = _torch()
        shared = bert or Bert()
        self.bert = copy.copy(shared)
        self.bert.bert = copy.deepcopy(shared.bert).eval()
        f32 = lambda key: torch.from_numpy(np.asarray(params[f"{prefix}.{key}"], dtype=np.float32))
        merge(self.bert.bert, params, prefix, scale)
        with torch.no_grad():
            self.head = torch.nn.Linear(self.bert.bert.config.hidden_size, 1)
            self.head.weight.copy_(f32("head.weight"))
            self.head.bias.copy_(f32("head.bias"))

    def logits(self, texts: Sequence[str]) -> np.ndarray:
        torch = _torch()
        texts = list(texts)
        out = np.zeros(len(texts))
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        with torch.inference_mode():
            for start in range(0, len(order), BATCH):
                rows = order[start : start + BATCH]
                enc = self.bert.tokens([texts[i] for i in rows])
                h = self.bert.bert(**enc).last_hidden_state
                w = enc["attention_mask"].unsqueeze(-1).to(h.dtype)
                pooled = torch.nn.functional.normalize((h * w).sum(1) / w.sum(1).clamp(min=1), dim=-1)
                out[rows] = self.head(pooled).squeeze(-1).double().numpy()
        return out
