"""The bundled sentence encoder, its LoRA adapters, the search model built on them, and the FAISS indexes
over the stored vectors (the search index and the link index)."""
