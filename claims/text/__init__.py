"""Text as it is read: cleaning (control characters, page furniture), sentences and paragraphs, quoted spans, dates, numbers, and the shared word lists."""
