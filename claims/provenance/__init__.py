"""Where a claim came from and how its wording moved: quote drift and who cites whom."""
