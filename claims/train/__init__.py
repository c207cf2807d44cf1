"""Training library behind the shipped models: the public benchmark data, the check-worthiness heads
and the LoRA trainer. The recipes in bench/ call it; importing it loads no torch or scikit-learn."""
