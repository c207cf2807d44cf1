"""The fine-tuned part of the check-worthiness model: the bundled encoder's top layers, retrained.

The bundled all-MiniLM-L6-v2 runs its lower layers unchanged (the weights
checked by the embedder's sha256 test); the top :data:`TOP` transformer layers
are replaced by fine-tuned copies, whose output is mean-pooled, normalised and
scored by a linear head. Only those top layers and the head are shipped, as
float16 arrays in ``claims/models/checkworthy.npz`` (``<head>.top.*``), loaded
without pickle. ``bench/cw_finetune.py`` trains them.

Or low-rank adapters (LoRA) on every layer: ``<head>.lora.<layer>.<module>.A``
(rank x in) and ``.B`` (out x rank) are added, scaled by ``<head>.lora_scale``,
to the weights of a private copy of the bundled BERT (the shared embedder is not
touched), whose mean-pooled, normalised output a linear head
(``<head>.lora.head.weight``, ``.bias``) scores. A few hundred KB;
``bench/cw_lora.py`` trains them.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence

import numpy as np

from claims.lora import merge

MAX_TOKENS = 96  # longer sentences are cut (a ClaimBuster sentence averages 28 tokens)
BATCH = 64


def _torch():
    import torch

    return torch


class Bert:
    """The bundled model's tokenizer and BERT, with a forward pass that stops after ``split`` layers."""

    def __init__(self, st_model=None):
        if st_model is None:
            from claims.embed import default_embedder

            st_model = default_embedder().model
        self.tokenizer = st_model.tokenizer
        self.bert = st_model[0].auto_model.eval()
        self.layers = list(self.bert.encoder.layer)

    def tokens(self, texts: Sequence[str]):
        return self.tokenizer(list(texts), padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="pt")

    def mask(self, attention_mask, hidden):
        """The attention mask in the form the layers take (as ``BertModel.forward`` builds it)."""
        return self.bert._create_attention_masks(attention_mask=attention_mask, encoder_attention_mask=None, embedding_output=hidden, encoder_hidden_states=None, cache=None)[0]

    def lower(self, enc, split: int):
        """Hidden states after the embeddings and the first ``split`` layers."""
        h = self.bert.embeddings(input_ids=enc["input_ids"], token_type_ids=enc.get("token_type_ids"))
        m = self.mask(enc["attention_mask"], h)
        for layer in self.layers[:split]:
            h = layer(h, m)
            h = h[0] if isinstance(h, tuple) else h
        return h


def top_model(bert: Bert, top: int):
    """A trainable copy of the top ``top`` layers, mean pooling, L2 normalisation and a linear head."""
    torch = _torch()
    nn = torch.nn

    class Top(nn.Module):
        def __init__(self):
            super().__init__()
            self.layers = nn.ModuleList(copy.deepcopy(bert.layers[len(bert.layers) - top :]))
            self.head = nn.Linear(bert.bert.config.hidden_size, 1)

        def forward(self, h, attention_mask):
            m = bert.mask(attention_mask, h)
            for layer in self.layers:
                h = layer(h, m)
                h = h[0] if isinstance(h, tuple) else h
            w = attention_mask.unsqueeze(-1).to(h.dtype)
            pooled = torch.nn.functional.normalize((h * w).sum(1) / w.sum(1).clamp(min=1), dim=-1)
            return self.head(pooled).squeeze(-1)

    return Top()


def to_arrays(model, prefix: str) -> dict[str, np.ndarray]:
    """The model's parameters as float16 arrays named ``<prefix>.<parameter>``."""
    return {f"{prefix}.{name}": value.detach().cpu().numpy().astype(np.float16) for name, value in model.state_dict().items()}


class FineTuned:
    """Logits of a shipped fine-tuned top (``<prefix>.*`` in the parameter file) on the bundled encoder."""

    def __init__(self, params: Mapping[str, np.ndarray], prefix: str, top: int, bert: Bert | None = None):
        torch = _torch()
        self.bert = bert or Bert()
        self.top = top
        self.model = top_model(self.bert, top).eval()
        state = {name[len(prefix) + 1 :]: torch.from_numpy(np.asarray(value, dtype=np.float32)) for name, value in params.items() if name.startswith(prefix + ".")}
        self.model.load_state_dict(state)

    def logits(self, texts: Sequence[str]) -> np.ndarray:
        torch = _torch()
        texts = list(texts)
        out = np.zeros(len(texts))
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        with torch.inference_mode():
            for start in range(0, len(order), BATCH):
                rows = order[start : start + BATCH]
                enc = self.bert.tokens([texts[i] for i in rows])
                h = self.bert.lower(enc, len(self.bert.layers) - self.top)
                out[rows] = self.model(h, enc["attention_mask"]).double().numpy()
        return out


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
        self.bert.layers = list(self.bert.bert.encoder.layer)
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
