"""What reviewers change: verdicts, sourcing and notes, regrouping, speaker changes, extraction feedback, and the guards every versioned save goes through."""
