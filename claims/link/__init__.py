"""Linking mentions of the same statement into tracked claims: the first pass at ingest, pair features, and the relinking of every mention."""
