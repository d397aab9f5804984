"""`lamina.trainers`: compile/fit/evaluate/predict, one implementation for every model."""
