"""How check-worthy a sentence is: the hand-weighted rules extraction uses, and the trained scorer with its features and encoder."""
