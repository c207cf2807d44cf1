"""Claims found in an article's text: who said them (canonical speakers, referents), where (venues) and how; headlines that repeat them."""
