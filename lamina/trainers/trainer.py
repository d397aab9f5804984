"""Placeholder replaced by the training implementation."""


class Trainer:
    def __init__(self):
        self.compiled = False
