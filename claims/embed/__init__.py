"""The bundled sentence encoder, its LoRA adapters, and the search model built on them."""
