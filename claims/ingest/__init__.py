"""Getting articles in: sources (files, folders, URLs, HTML), the batch pipeline, storing what extraction found, re-extraction and the refresh after every write."""
