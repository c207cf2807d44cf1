"""Search queries encoded without torch: the search model exported once to ONNX, run by ONNX Runtime.

Importing sentence-transformers (transformers, torch) takes about six seconds here, longer than
a whole search should. The search model is exported on first use (which loads torch once) to
``<cache>/<model name>.onnx``, and checked: its vectors of a few sentences must equal torch's within
1e-3, or it is deleted and torch encodes the queries as before. Later processes load only
``onnxruntime`` and ``tokenizers``: a query encodes in about 8 ms, and the process starts in well
under a second. The cache is ``$CLAIMS_CACHE``, else ``$XDG_CACHE_HOME/claims-workbench``, else
``~/.cache/claims-workbench``.

Only queries go through here. Mentions are embedded by torch at ingest
(:func:`claims.embed.search_vectors.refresh`); both encoders give the same vectors to within 1e-6 on real
sentences (tests/search/test_onnx_query.py).
"""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path

import numpy as np

from claims.embed.encoder import DIMENSION, Embedder, model_path
from claims.files import replace_atomically

CHECKED = (  # sentences the exported model must encode as torch does
    "The situation in Kabul is better than under Ashraf Ghani, the ambassador said.",
    "Ferry crossings have doubled since the bridge closed in March.",
    "",
)
TOLERANCE = 1e-3


def cache_dir() -> Path:
    chosen = os.environ.get("CLAIMS_CACHE")
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "claims-workbench"


class OnnxQueryEncoder:
    """Encodes a query as the search model does: tokens, the exported transformer, mean pooling, L2."""

    dimension = DIMENSION

    def __init__(self, onnx_file: Path, name: str):
        import onnxruntime
        from tokenizers import Tokenizer

        self.name = name
        folder = model_path()
        length = json.loads((folder / "sentence_bert_config.json").read_text())["max_seq_length"]
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(length)
        self.tokenizer.enable_padding()
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1  # one query: threads only add synchronisation (encoder.encode_query)
        self.session = onnxruntime.InferenceSession(
            str(onnx_file), options, providers=["CPUExecutionProvider"]
        )

    def encode(self, texts: list[str]) -> np.ndarray:
        encoded = self.tokenizer.encode_batch(list(texts))
        ids = np.array([e.ids for e in encoded], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
        hidden = self.session.run(
            None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        )[0]
        pooled = (hidden * mask[..., None]).sum(axis=1) / np.maximum(mask.sum(axis=1, keepdims=True), 1)
        pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return np.ascontiguousarray(pooled, dtype=np.float32)

    def encode_query(self, text: str) -> np.ndarray:
        return self.encode([text])[0]


def export(embedder: Embedder, target: Path) -> None:
    """Write ``embedder``'s transformer as ONNX to ``target``, atomically."""
    import torch

    class LastHidden(torch.nn.Module):
        def __init__(self, transformer):
            super().__init__()
            self.transformer = transformer

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.transformer(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    transformer = embedder.model[0].auto_model.eval()
    example = torch.ones((1, 8), dtype=torch.long)
    axes = {0: "batch", 1: "tokens"}

    def write(tmp: str) -> None:
        # The tracer warns of Python branches it freezes (BERT's padding and causal checks); the
        # result is checked against torch's vectors instead (:func:`agrees`).
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                LastHidden(transformer),
                (example, example, torch.zeros_like(example)),
                tmp,
                input_names=["input_ids", "attention_mask", "token_type_ids"],
                output_names=["hidden"],
                dynamic_axes={
                    "input_ids": axes,
                    "attention_mask": axes,
                    "token_type_ids": axes,
                    "hidden": axes,
                },
                opset_version=17,
                dynamo=False,  # the TorchScript exporter: the dynamo one needs onnxscript
            )

    replace_atomically(target, write)


def agrees(encoder: OnnxQueryEncoder, embedder: Embedder) -> bool:
    expected = np.vstack([embedder.encode_query(text) for text in CHECKED])
    return bool(np.abs(encoder.encode(list(CHECKED)) - expected).max() <= TOLERANCE)
