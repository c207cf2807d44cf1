"""Finding claims: query parsing, hybrid dense and keyword ranking, the FAISS index and the search vectors."""
