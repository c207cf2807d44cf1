"""Finding claims: query parsing, hybrid dense and keyword ranking, the keyword index's upkeep."""
